"""The gauges ``/metrics`` reads from MongoDB and RabbitMQ, set just before a scrape answers.

Orders by state (one ``$group`` over the orders), the organization's Zoho budget left
(one read of its budget document) and the dead-letter queue's depth (one passive declare
on RabbitMQ) are what every replica shares, so each replica reports the same values. They
are read at most once per ``ttl_ms`` and by one scrape at a time: a scrape storm costs one
read per period. A read that fails or takes longer than ``timeout_s`` leaves the previous
values (logged), and the scrape still answers.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import structlog

from ..clock import Clock, SystemClock
from ..domain.budget_ledger import BudgetUsage
from ..domain.connection import StoredConnection
from ..domain.decisions import State
from ..domain.readiness import CONNECTION_STATES, connection_state
from ..metrics import (
    BUDGET_IN_FLIGHT,
    BUDGET_LEFT,
    BUDGET_LIMIT,
    DEAD_LETTER_QUEUE,
    ORDERS,
    ZOHO_CONNECTION,
)
from ..store.connection import SealedTokenUnreadable

log = structlog.get_logger(__name__)
DEFAULT_TTL_MS = 5_000
DEFAULT_TIMEOUT_S = 2.0


class CountsByState(Protocol):
    """The orders (``worker.store.orders.OrderRepository``)."""

    async def count_by_state(self) -> dict[str, int]:
        """How many orders are in each state."""
        ...


class BudgetReader(Protocol):
    """One organization's request budget (``worker.zoho.budget.RequestBudget``)."""

    async def usage(self) -> BudgetUsage:
        """Requests used in the current window, today and in flight."""
        ...


class ConnectionReader(Protocol):
    """The stored Zoho connection (``worker.store.connection.ConnectionRepository``)."""

    async def load(self) -> StoredConnection | None:
        """The connection, or None when nothing is connected."""
        ...


class DeadLetterDepth(Protocol):
    """The dead-letter queue (``worker.messaging.consumer.OrderConsumer``)."""

    async def dead_letters_waiting(self) -> int | None:
        """Messages in it now; None when not known."""
        ...


class ScrapeGauges:
    """Sets ``zbsync_orders``, ``zbsync_zoho_connection`` and the ``zbsync_zoho_budget_*``
    gauges, cached for ``ttl_ms``.

    ``budget`` and ``organization``: None until an organization is chosen (no budget series);
    ``connection``: None leaves ``zbsync_zoho_connection`` unset.
    """

    def __init__(
        self,
        orders: CountsByState,
        budget: BudgetReader | None,
        organization: str | None,
        clock: Clock | None = None,
        *,
        connection: ConnectionReader | None = None,
        dead_letters: DeadLetterDepth | None = None,
        ttl_ms: int = DEFAULT_TTL_MS,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._orders = orders
        self._budget = budget if organization else None
        self._organization = organization or ""
        self._clock = clock or SystemClock()
        self._connection = connection
        self._dead_letters = dead_letters
        self._ttl_ms = ttl_ms
        self._timeout_s = timeout_s
        self._lock = asyncio.Lock()
        self._read_at_ms: int | None = None

    async def __call__(self) -> None:
        """Read and set the gauges unless they were read less than ``ttl_ms`` ago."""
        async with self._lock:  # concurrent scrapes wait for the one read, then use it
            now = self._clock.now_ms()
            if self._read_at_ms is not None and now - self._read_at_ms < self._ttl_ms:
                return
            self._read_at_ms = now  # a failed read is not retried before the period ends either
            await self._read_dead_letters()
            try:
                async with asyncio.timeout(self._timeout_s):
                    counts = await self._orders.count_by_state()
                    usage = None if self._budget is None else await self._budget.usage()
                    connection = await self._connection_state(now)
            except Exception as exc:  # the scrape answers with the values read last
                log.warning("metrics from the database not read", error=type(exc).__name__)
                return
            self._set(counts, usage, connection)

    async def _read_dead_letters(self) -> None:
        # Apart from the database's gauges: a broker that is down must not keep those stale.
        if self._dead_letters is None:
            return
        try:
            async with asyncio.timeout(self._timeout_s):
                waiting = await self._dead_letters.dead_letters_waiting()
        except Exception as exc:  # the value read last stays
            log.warning("dead-letter queue depth not read", error=type(exc).__name__)
            return
        if waiting is not None:
            DEAD_LETTER_QUEUE.set(waiting)

    async def _connection_state(self, now_ms: int) -> str | None:
        if self._connection is None:
            return None
        try:
            return connection_state(await self._connection.load(), now_ms)
        except SealedTokenUnreadable:
            return "unreadable"

    def _set(
        self, counts: dict[str, int], usage: BudgetUsage | None, connection: str | None
    ) -> None:
        # No await from here on: a scrape never sees the gauges half set. Cleared first so
        # a previous organization's series (before a reload) disappear.
        ORDERS.clear()
        for known in State:
            ORDERS.labels(known.value).set(0)
        for state, count in counts.items():
            ORDERS.labels(state).set(count)
        if connection is not None:
            for state in CONNECTION_STATES:
                ZOHO_CONNECTION.labels(state).set(1 if state == connection else 0)
        for gauge in (BUDGET_LEFT, BUDGET_LIMIT, BUDGET_IN_FLIGHT):
            gauge.clear()
        if usage is None:
            return
        org, limits = self._organization, usage.limits
        BUDGET_LEFT.labels(org, "minute").set(usage.window_left)
        BUDGET_LEFT.labels(org, "day").set(usage.day_left)
        BUDGET_LIMIT.labels(org, "minute").set(limits.requests_per_window)
        BUDGET_LIMIT.labels(org, "day").set(limits.daily_limit)
        BUDGET_IN_FLIGHT.labels(org).set(usage.in_flight)
