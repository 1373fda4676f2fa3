"""One reconciler pass (SPEC §6): no paid order left behind.

(c) Always: read the tax and currency setup again; when it or the connection changed
    (the admin connected again, say granting a missing scope), orders whose
    ``needs_attention`` came from the setup are queued again.
Before (a), the invoice index is checked against Zoho's newest invoices
(``sync.invoice_index``): a database that fell behind Zoho is caught up before
its creates rely on it.
(a) Paid orders received within the lookback that still have no invoice:
    waiting, failed and due, or stuck in a lease whose holder is gone.
(b) With an order feed: the shop's paid orders since the watermark, taken in
    like ``order.paid`` events, so events that never reached the queue are caught.
Each found order goes through the same per-order path as live events (lease,
the invoice index before create), in the reconciler's lane of the budget. Periodic passes
do (a) and (b) only with auto sync on; a manual pass always does.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog

from ..clock import Clock
from ..domain.catalog import Catalog
from ..domain.connection import StoredConnection
from ..domain.lanes import Lane
from ..domain.token_rules import token_fingerprint
from ..events import Order, OrderEvent
from ..metrics import RECONCILER_ORDERS, RECONCILER_PASSES, RECONCILER_SECONDS
from ..sync.intake import take_in
from ..sync.invoice_index import CheckResult
from ..sync.policy import LivePolicy
from ..sync.ports import AuditLog, OrderStore
from ..sync.service import OrderSync
from .feed import FeedError, FeedResult
from .ports import ReconcilerState

log = structlog.get_logger(__name__)
ACTOR = "reconciler"
CONCURRENCY = 4


class Feed(Protocol):
    """The shop's paid-orders feed (``OrderFeed``)."""

    async def paid_since(self, since: datetime) -> FeedResult:
        """Every paid order since ``since``."""
        ...


class Catalogs(Protocol):
    """Reads the organization's setup now (``CatalogCache``)."""

    async def refresh(self, lane: Lane) -> Catalog:
        """Taxes and currencies, read from Zoho."""
        ...


class Connections(Protocol):
    """The stored Zoho connection (``ConnectionRepository``)."""

    async def load(self) -> StoredConnection | None:
        """The connection, or None when nothing is connected."""
        ...


class Index(Protocol):
    """The invoice index (``InvoiceIndex``)."""

    async def check(self, lane: Lane) -> CheckResult | None:
        """Read Zoho's newest invoices into the index; None while another replica imports."""
        ...


@dataclass(frozen=True)
class PassSettings:
    """What a pass needs to know from the settings."""

    organization_id: str
    auto_sync: bool
    interval_ms: int
    lookback_ms: int


@dataclass
class PassSummary:
    """What a pass found and did; logged, counted and stored."""

    organization_id: str
    started_ms: int
    manual: bool
    owner: str
    found: int = 0
    synced: int = 0
    failed: int = 0
    skipped: int = 0
    requeued: int = 0
    feed_orders: int = 0
    feed_invalid: int = 0
    feed_error: str | None = None
    catalog_error: str | None = None
    index_read: int = 0  # invoices read from Zoho's newest into the index
    index_unknown: int = 0  # of those, ones the database did not know
    index_error: str | None = None
    ended_ms: int = 0
    duration_ms: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


class ReconcilePass:
    """Runs passes for one organization."""

    def __init__(
        self,
        orders: OrderStore,
        audit: AuditLog,
        store: ReconcilerState,
        *,
        service: OrderSync,
        catalogs: Catalogs,
        index: Index | None = None,
        feed: Feed | None,
        clock: Clock,
        owner: str,
        settings: PassSettings,
        live: LivePolicy | None = None,
        connections: Connections | None = None,
    ) -> None:
        self._orders, self._audit, self._store = orders, audit, store
        self._service, self._catalogs, self._feed = service, catalogs, feed
        self._index = index
        self._clock, self._owner, self._settings = clock, owner, settings
        self._live = live  # when given, its auto sync (changed in the console) wins
        self._connections = connections

    async def run(self, *, manual: bool) -> PassSummary:
        """One pass; its summary is stored, logged and counted."""
        now = self._clock.now_ms()
        summary = PassSummary(self._settings.organization_id, now, manual, self._owner)
        requeued = await self._refresh_catalog(summary)
        auto_sync = self._live.current.auto_sync if self._live else self._settings.auto_sync
        if manual or auto_sync:
            await self._check_index(summary)
            candidates = await self._orders.missing(now - self._settings.lookback_ms, now)
            candidates += requeued + await self._from_feed(summary, now)
            await self._sync_all(list(dict.fromkeys(candidates)), summary)
        return await self._finish(summary)

    async def _refresh_catalog(self, summary: PassSummary) -> list[str]:
        """Read the setup; when it (or the connection) changed, queue the orders it may unblock
        (their ids)."""
        org = self._settings.organization_id
        try:
            catalog = await self._catalogs.refresh(Lane.RECONCILER)
        except Exception as exc:  # a pass goes on without it; the next one tries again
            summary.catalog_error = type(exc).__name__
            return []
        fingerprint = _setup_fingerprint(catalog, await self._connection_mark())
        if (await self._store.state(org)).get("catalog_fingerprint") == fingerprint:
            return []
        requeued = await self._orders.ids_blocked_by_configuration()
        for order_id in requeued:
            await self._orders.make_due(order_id, self._clock.now_ms(), Lane.RECONCILER.name)
        summary.requeued = len(requeued)
        await self._store.set_state(org, catalog_fingerprint=fingerprint)
        return requeued

    async def _connection_mark(self) -> str | None:
        # A new consent brings a new refresh token: what a scope refusal waited for.
        stored = await self._connections.load() if self._connections else None
        return token_fingerprint(stored.refresh_token) if stored else None

    async def _check_index(self, summary: PassSummary) -> None:
        if self._index is None:
            return
        try:
            result = await self._index.check(Lane.RECONCILER)
        except Exception as exc:  # the pass goes on; creates keep trusting the last check
            summary.index_error = type(exc).__name__
            return
        if result is not None:
            summary.index_read, summary.index_unknown = result.read, result.unknown

    async def _from_feed(self, summary: PassSummary, started_ms: int) -> list[str]:
        if self._feed is None:
            return []
        org = self._settings.organization_id
        state = await self._store.state(org)
        since_ms = int(state.get("watermark_ms", started_ms - self._settings.lookback_ms))
        try:
            result = await self._feed.paid_since(datetime.fromtimestamp(since_ms / 1000, UTC))
        except FeedError as exc:
            summary.feed_error = str(exc)  # the watermark stays: the next pass asks again
            return []
        summary.feed_orders, summary.feed_invalid = len(result.orders), result.invalid
        stored = [order.id for order in result.orders if await self._take(order)]
        await self._store.set_state(org, watermark_ms=started_ms - self._settings.interval_ms)
        return stored

    async def _take(self, order: Order) -> bool:
        now = self._clock.now_ms()
        moment = order.paid_at or datetime.fromtimestamp(now / 1000, UTC)
        event = OrderEvent(
            event_id=f"feed:{order.id}:{order.revision}",
            source="order-feed",
            type="order.paid",
            time=moment,
            order=order,
        )
        intake = await take_in(self._orders, self._audit, event, now, ACTOR)
        return intake.outcome == "stored"

    async def _sync_all(self, order_ids: list[str], summary: PassSummary) -> None:
        summary.found = len(order_ids)
        slots = asyncio.Semaphore(CONCURRENCY)

        async def one(order_id: str) -> None:
            async with slots:
                worked = await self._service.sync(
                    order_id, Lane.RECONCILER, ACTOR, manual=summary.manual
                )
            await self._count(order_id, worked, summary)

        await asyncio.gather(*(one(order_id) for order_id in order_ids))

    async def _count(self, order_id: str, worked: bool, summary: PassSummary) -> None:
        record = await self._orders.load(order_id)
        state = record.state if record is not None else "missing"
        summary.outcomes[state] = summary.outcomes.get(state, 0) + 1
        if not worked:
            summary.skipped += 1  # another replica holds it; it will finish it
        elif state in ("synced", "deleted", "locked"):
            summary.synced += 1
        elif state == "failed":
            summary.failed += 1
        else:
            summary.skipped += 1

    async def _finish(self, summary: PassSummary) -> PassSummary:
        summary.ended_ms = self._clock.now_ms()
        summary.duration_ms = summary.ended_ms - summary.started_ms
        await self._store.record_pass(_document(summary))
        RECONCILER_PASSES.labels("manual" if summary.manual else "periodic").inc()
        RECONCILER_SECONDS.observe(summary.duration_ms / 1000)
        for result in ("found", "synced", "failed", "skipped", "requeued"):
            RECONCILER_ORDERS.labels(result).inc(getattr(summary, result))
        log.info("reconciler pass", **{k: v for k, v in asdict(summary).items() if k != "outcomes"})
        return summary


def _setup_fingerprint(catalog: Catalog, connection_mark: str | None) -> str:
    payload = json.dumps([asdict(catalog), connection_mark], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _document(summary: PassSummary) -> dict[str, Any]:
    return {key: value for key, value in asdict(summary).items() if value is not None}
