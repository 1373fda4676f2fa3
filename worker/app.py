"""``zbsync run``: the worker process, wired from the settings and run until SIGTERM.

Start-up never waits for Zoho: with no connection or organization yet, orders
are stored and wait as ``pending``. On SIGTERM the worker stops consuming,
lets in-flight Zoho work finish within ``SHUTDOWN_GRACE`` (a create cut off
leaves its intent, so the next holder looks before creating), releases its
leases and exits 0.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import aiohttp
import structlog

from .bootstrap import build_zoho, connect_from_environment, replica_name
from .clock import SystemClock
from .config import Settings, require_for_run
from .domain.budget_ledger import BudgetLimits
from .domain.invoice_mapping import MappingSettings
from .events import OrderEvent
from .messaging.consumer import OrderConsumer
from .messaging.topology import Topology
from .reconcile.backfill import note_auto_sync
from .reconcile.feed import OrderFeed
from .reconcile.passes import PassSettings, PassSummary, ReconcilePass
from .reconcile.runner import Reconciler
from .store.audit import AuditTrail
from .store.contacts import ContactLinks
from .store.leases import Leases
from .store.mongo import Database, open_database
from .store.orders import OrderRepository
from .store.reconciler import ReconcilerStore
from .sync import crash
from .sync.catalog_cache import CatalogCache
from .sync.contacts import ContactResolver
from .sync.intake import take_in
from .sync.loop import SyncLoop
from .sync.policy import SyncPolicy
from .sync.prepare import Preparer
from .sync.service import OrderSync

log = structlog.get_logger(__name__)


@dataclass
class Worker:
    """The running parts of one replica."""

    consumer: OrderConsumer
    loop: SyncLoop
    stores: Stores
    reconcile: ReconcilePass | None  # None until an organization is chosen
    reconciler: Reconciler | None

    @property
    def orders(self) -> OrderRepository:
        """The orders (for callers that only need them)."""
        return self.stores.orders


@dataclass(frozen=True)
class Stores:
    """The replica's MongoDB repositories, built once."""

    orders: OrderRepository
    audit: AuditTrail
    reconciler: ReconcilerStore
    leases: Leases
    contact_links: ContactLinks

    @classmethod
    def on(cls, db: Database) -> Stores:
        """Every repository on ``db``."""
        return cls(
            OrderRepository(db), AuditTrail(db), ReconcilerStore(db), Leases(db), ContactLinks(db)
        )

    async def ensure_indexes(self) -> None:
        """The indexes the worker queries by."""
        await self.orders.ensure_indexes()
        await self.audit.ensure_indexes()
        await self.reconciler.ensure_indexes()


def sync_policy(settings: Settings, tax_map: Mapping[Decimal, str] | None = None) -> SyncPolicy:
    """The per-order path's behaviour from the settings (and the console's tax map)."""
    mapping = MappingSettings(
        reference_template=settings.reference_template,
        discount_label=settings.discount_label,
        shipping_label=settings.shipping_label,
        zero_rate_exemption_id=settings.zero_rate_exemption_id,
        total_tolerance=settings.total_tolerance,
        timezone=ZoneInfo(settings.timezone or "UTC"),
        tax_map=dict(tax_map or {}),
    )
    return SyncPolicy(
        auto_sync=settings.auto_sync,
        list_lag_wait_ms=int(settings.list_lag_wait * 1000),
        lease_ttl_ms=int(settings.lease_ttl * 1000),
        mapping=mapping,
        timezone_configured=settings.timezone is not None,
    )


def build_worker(
    settings: Settings,
    db: Database,
    http: aiohttp.ClientSession,
    owner: str,
    *,
    tax_map: Mapping[Decimal, str] | None = None,
    budget: BudgetLimits | None = None,
) -> Worker:
    """Every part of the replica, not yet started (``budget``: see ``build_zoho``)."""
    clock, policy = SystemClock(), sync_policy(settings, tax_map)
    stores = Stores.on(db)
    orders, audit = stores.orders, stores.audit
    books = catalogs = contacts = None
    if settings.zoho_organization_id:
        zoho = build_zoho(
            settings, db, http, settings.zoho_organization_id, owner=owner, limits=budget
        )
        books, catalogs = zoho.books, CatalogCache(zoho.books, clock)
        contacts = ContactResolver(
            zoho.books,
            stores.contact_links,
            stores.leases,
            clock,
            owner=owner,
            lease_ttl_ms=policy.lease_ttl_ms,
        )
    preparer = Preparer(books, catalogs=catalogs, contacts=contacts, clock=clock, policy=policy)
    service = OrderSync(orders, audit, preparer, clock=clock, owner=owner, policy=policy)
    loop = SyncLoop(service, orders, clock)
    reconcile = reconciler = None
    if catalogs is not None and settings.zoho_organization_id:
        reconcile, reconciler = _reconciler(
            settings, stores, http, owner=owner, service=service, catalogs=catalogs
        )

    async def store(event: OrderEvent) -> bool:
        intake = await take_in(orders, audit, event, clock.now_ms(), owner)
        return intake.outcome == "stored"

    consumer = OrderConsumer(
        str(settings.amqp_url), Topology.from_settings(settings), store, loop.kick
    )
    return Worker(consumer, loop, stores, reconcile, reconciler)


def _reconciler(
    settings: Settings,
    stores: Stores,
    http: aiohttp.ClientSession,
    *,
    owner: str,
    service: OrderSync,
    catalogs: CatalogCache,
) -> tuple[ReconcilePass, Reconciler]:
    org = str(settings.zoho_organization_id)
    interval_ms = int(settings.reconcile_interval * 1000)
    feed = None
    if settings.order_feed_url is not None:
        feed = OrderFeed(http, str(settings.order_feed_url), settings.order_feed_token)
    reconcile = ReconcilePass(
        stores.orders,
        stores.audit,
        stores.reconciler,
        service=service,
        catalogs=catalogs,
        feed=feed,
        clock=SystemClock(),
        owner=owner,
        settings=PassSettings(
            org, settings.auto_sync, interval_ms, settings.lookback_days * 86_400_000
        ),
    )
    reconciler = Reconciler(
        reconcile,
        stores.leases,
        stores.reconciler,
        SystemClock(),
        organization_id=org,
        owner=owner,
        interval_ms=interval_ms,
        lease_ttl_ms=int(settings.lease_ttl * 1000),
    )
    return reconcile, reconciler


async def run_worker(settings: Settings) -> int:
    """Run until SIGTERM or SIGINT; 0 on a clean stop."""
    require_for_run(settings)
    crash.requested()  # a misspelt crash step fails here, not silently
    owner = replica_name()
    mongo, db = open_database(str(settings.mongodb_uri))
    stop = _stop_signal()
    async with aiohttp.ClientSession(trace_configs=crash.trace_configs()) as http:
        worker = build_worker(settings, db, http, owner)
        await _prepare_database(settings, db, worker)
        await worker.consumer.start()
        polling = asyncio.create_task(worker.loop.run())
        reconciling = _start_reconciler(worker)
        log.info("worker started", replica=owner, organization=settings.zoho_organization_id)
        await stop.wait()
        log.info("stopping", grace_seconds=settings.shutdown_grace)
        await worker.consumer.stop_consuming()
        if reconciling is not None:
            reconciling.cancel()
        await worker.loop.stop(settings.shutdown_grace)
        await asyncio.gather(
            polling, *([reconciling] if reconciling else []), return_exceptions=True
        )
        await worker.consumer.close()
    await mongo.close()
    log.info("stopped")
    return 0


async def _prepare_database(settings: Settings, db: Database, worker: Worker) -> None:
    await worker.stores.ensure_indexes()
    await connect_from_environment(settings, db, SystemClock())
    if settings.zoho_organization_id:
        await note_auto_sync(
            worker.stores.reconciler,
            worker.orders,
            SystemClock(),
            organization_id=settings.zoho_organization_id,
            auto_sync=settings.auto_sync,
        )


def _start_reconciler(worker: Worker) -> asyncio.Task[None] | None:
    if worker.reconciler is None:
        return None
    return asyncio.create_task(worker.reconciler.run_forever(), name="reconciler")


async def reconcile_once(settings: Settings) -> PassSummary | None:
    """``zbsync reconcile``: one manual pass (always runs, auto sync or not)."""
    require_for_run(settings)
    mongo, db = open_database(str(settings.mongodb_uri))
    try:
        async with aiohttp.ClientSession() as http:
            worker = build_worker(settings, db, http, replica_name())
            await _prepare_database(settings, db, worker)
            if worker.reconcile is None:
                return None
            return await worker.reconcile.run(manual=True)
    finally:
        await mongo.close()


def _stop_signal() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop
