"""The sync loop: runs the per-order path for live events at once and for due orders later.

Every replica runs one. ``kick`` starts work on an order the consumer just
stored; the poll picks up whatever is due in MongoDB (retries after a
transient failure, orders another replica could not finish, events stored
while this one was busy). One order is worked on at most once at a time in a
process; across processes the order's lease decides.

At most ``max_tasks`` orders wait in a process at once: a kick beyond that is
dropped, since the order is due in MongoDB and a later poll takes it. A burst
of events (intake is not held back by Zoho's budget) so costs a bounded number
of tasks, not one per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from typing import Protocol

import structlog

from ..clock import Clock
from ..domain.lanes import Lane
from .ports import OrderStore

log = structlog.get_logger(__name__)


class Syncs(Protocol):
    """The per-order path (``OrderSync``)."""

    async def sync(self, order_id: str, lane: Lane = Lane.LIVE) -> object:
        """One pass over the order."""
        ...


class SyncLoop:
    """Schedules ``OrderSync.sync`` calls, at most ``concurrency`` at once."""

    def __init__(
        self,
        service: Syncs,
        orders: OrderStore,
        clock: Clock,
        *,
        concurrency: int = 8,
        max_tasks: int = 200,
        poll_seconds: float = 1.0,
    ) -> None:
        self._service = service
        self._orders = orders
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._max_tasks = max_tasks
        self._poll_seconds = poll_seconds
        self._running: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._wake = asyncio.Event()
        self._stopping = False

    def kick(self, order_id: str, lane: Lane = Lane.LIVE) -> None:
        """Work on the order now (or right after the pass already running for it)."""
        if self._stopping:
            return
        if order_id in self._running:
            self._again.add(order_id)
            return
        if len(self._running) >= self._max_tasks:
            return  # it is due in the database: a poll takes it once tasks have finished
        # A fresh context: the pass binds its own order id, not the kicking event's log context.
        task = asyncio.create_task(
            self._work(order_id, lane), name=f"sync-{order_id}", context=contextvars.Context()
        )
        self._running[order_id] = task

    async def run(self) -> None:
        """Poll for due orders until ``stop``."""
        while not self._stopping:
            try:
                for order_id, lane in await self._orders.due(self._clock.now_ms(), limit=100):
                    self.kick(order_id, Lane[lane])
            except Exception:
                log.exception("polling for due orders failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    async def stop(self, grace_seconds: float) -> None:
        """Start nothing new; let running work finish within the grace, then cancel it."""
        self._stopping = True
        self._wake.set()
        pending = list(self._running.values())
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=grace_seconds)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    async def _work(self, order_id: str, lane: Lane) -> None:
        try:
            while True:
                async with self._slots:
                    await self._service.sync(order_id, lane)
                if order_id not in self._again or self._stopping:
                    return
                self._again.discard(order_id)
        except Exception:
            log.exception("sync failed unexpectedly", order_id=order_id)
        finally:
            self._running.pop(order_id, None)
