"""One replica, wired from ``Settings``: stores, the per-order path, consumer, reconciler.

``build_worker`` is what ``zbsync run``, ``zbsync reconcile``, the demo and the
benchmarks start; ``build_sync`` is its per-order part, which the sync tests
build with some parts replaced (a hooked store, a slower Books client, a clock).
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import aiohttp
import structlog

from ..clock import Clock, SystemClock
from ..config import Settings
from ..domain.budget_ledger import BudgetLimits
from ..domain.catalog import Catalog
from ..domain.invoice_mapping import MappingSettings
from ..domain.lanes import Lane
from ..events import OrderEvent
from ..messaging.consumer import OrderConsumer
from ..messaging.topology import Topology
from ..reconcile.feed import OrderFeed
from ..reconcile.passes import PassSettings, ReconcilePass
from ..reconcile.runner import Reconciler
from ..store.audit import AuditTrail
from ..store.catalogs import CatalogStore
from ..store.connection import ConnectionRepository
from ..store.contacts import ContactLinks
from ..store.invoice_index import InvoiceIndexRepository
from ..store.leases import Leases
from ..store.mongo import Database
from ..store.orders import OrderRepository
from ..store.reconciler import ReconcilerStore
from ..sync.catalog_cache import CatalogCache
from ..sync.contacts import ContactResolver
from ..sync.intake import take_in
from ..sync.invoice_index import InvoiceIndex
from ..sync.loop import SyncLoop
from ..sync.manual import ManualActions
from ..sync.policy import LivePolicy, SyncPolicy
from ..sync.ports import (
    AuditLog,
    Books,
    ContactLinkStore,
    InvoiceIndexStore,
    LeaseStore,
    OrderStore,
    SharedCatalogs,
)
from ..sync.prepare import Catalogs, Connected, Preparer
from ..sync.service import OrderSync
from ..sync.upsert_mode import UpsertMode
from ..zoho.budget import RequestBudget
from .zoho_client import ZohoParts, build_zoho

log = structlog.get_logger(__name__)


def replica_name() -> str:
    """A name for this process that no other replica shares (leases, budget holders)."""
    return f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Stores:
    """The replica's MongoDB repositories, built once."""

    orders: OrderStore
    audit: AuditLog
    reconciler: ReconcilerStore
    leases: LeaseStore
    contact_links: ContactLinkStore
    catalogs: SharedCatalogs
    invoice_index: InvoiceIndexStore

    @classmethod
    def on(cls, db: Database) -> Stores:
        """Every repository on ``db``."""
        return cls(
            OrderRepository(db),
            AuditTrail(db),
            ReconcilerStore(db),
            Leases(db),
            ContactLinks(db),
            CatalogStore(db),
            InvoiceIndexRepository(db),
        )

    async def ensure_indexes(self) -> None:
        """The indexes the worker queries by."""
        await self.orders.ensure_indexes()
        await self.audit.ensure_indexes()
        await self.reconciler.ensure_indexes()
        await self.invoice_index.ensure_indexes()


@dataclass(frozen=True)
class SyncParts:
    """The per-order path: the service every trigger calls, the catalog and invoice index
    it reads."""

    service: OrderSync
    catalogs: CatalogCache | None  # None while Zoho is not connected
    index: InvoiceIndex | None
    upsert: UpsertMode | None = None  # None while Zoho is not connected
    policy: LivePolicy | None = None  # the policy in force (the console changes it)


@dataclass
class Worker:
    """The running parts of one replica."""

    consumer: OrderConsumer
    loop: SyncLoop
    stores: Stores
    reconcile: ReconcilePass | None  # None until an organization is chosen
    reconciler: Reconciler | None
    index: InvoiceIndex | None  # checked against Zoho at start (None: not connected)
    upsert: UpsertMode | None = None  # None until an organization is chosen
    manual: ManualActions | None = None  # Generate / Delete by a person (the admin API, the CLI)
    policy: LivePolicy | None = None  # the per-order path's policy in force (console settings)
    budget: RequestBudget | None = None  # the organization's Zoho budget (None: no organization)
    catalogs: CatalogCache | None = None  # the organization's taxes, currencies and plan

    @property
    def orders(self) -> OrderStore:
        """The orders (for callers that only need them)."""
        return self.stores.orders

    async def check_at_start(self, *, auto_sync: bool) -> None:
        """What a replica asks Zoho once it runs; nothing waits for it (``zbsync run``, the demo
        and the benchmarks start it as a task)."""
        await asyncio.gather(self._check_index(auto_sync), self._check_upsert_mode())

    async def _check_index(self, auto_sync: bool) -> None:
        # Automatic creates trust the index only once this process checked it (with auto sync
        # off only a person creates, and a person's create looks in Zoho). In the live lane:
        # until it is done, live creates wait for it or look up.
        if self.index is not None and auto_sync:
            await self.index.check_until_done(Lane.LIVE)

    async def _check_upsert_mode(self) -> None:
        """Ask Zoho whether creates can upsert (logged)."""
        if self.upsert is None:
            return
        try:
            await self.upsert.field(Lane.RECONCILER)
        except Exception as exc:  # not connected yet, Zoho away: the first pass to create asks
            log.info("upsert mode not checked yet", why=str(exc))


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
        contact_copy_ttl_ms=int(settings.reconcile_interval * 1000),
        mapping=mapping,
        timezone_configured=settings.timezone is not None,
        invoice_unique_field=settings.zoho_invoice_unique_field,
    )


def build_sync(
    policy: SyncPolicy | LivePolicy,
    stores: Stores,
    books: Books | None,
    clock: Clock,
    owner: str,
    *,
    catalogs: Catalogs | None = None,
    on_catalog: Callable[[Catalog], None] | None = None,
) -> SyncParts:
    """The per-order path; ``books`` None while Zoho is not connected or no organization is set.

    A ``LivePolicy`` makes each pass use the policy in force when it starts."""
    live = policy if isinstance(policy, LivePolicy) else LivePolicy(policy)
    policy = live.current  # what no console setting changes: waits, leases, upsert field
    cache = zoho = index = upsert = None
    if books is not None:
        cache = CatalogCache(books, stores.catalogs, clock, on_catalog=on_catalog)
        upsert = UpsertMode(books, policy.invoice_unique_field)
        contacts = ContactResolver(
            books,
            stores.contact_links,
            stores.leases,
            clock,
            owner=owner,
            lease_ttl_ms=policy.lease_ttl_ms,
            copy_ttl_ms=policy.contact_copy_ttl_ms,
        )
        index = InvoiceIndex(
            books,
            stores.invoice_index,
            stores.leases,
            clock,
            owner=owner,
            overlap_ms=policy.list_lag_wait_ms,
            lease_ttl_ms=policy.lease_ttl_ms,
        )
        zoho = Connected(books, catalogs or cache, contacts, index, upsert)
    preparer = Preparer(zoho, clock=clock, policy=live)
    service = OrderSync(
        stores.orders, stores.audit, preparer, clock=clock, owner=owner, policy=policy
    )
    return SyncParts(service, cache, index, upsert, live)


def _plan_limit(settings: Settings, zoho: ZohoParts | None) -> Callable[[Catalog], None] | None:
    """The budget's daily cap from each catalog a replica takes: the setting, else the
    organization's plan (SPEC §5). None without a client (or with a benchmark's limits)."""
    if zoho is None:
        return None
    parts = zoho

    def adopt(catalog: Catalog) -> None:
        parts.adopt_plan_limit(settings.zoho_daily_limit, catalog.plan_name)

    return adopt


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
    clock, stores = SystemClock(), Stores.on(db)
    policy = LivePolicy(sync_policy(settings, tax_map))
    org = settings.zoho_organization_id
    zoho = build_zoho(settings, db, http, org, owner=owner, limits=budget) if org else None
    books = zoho.books if zoho is not None else None
    sync = build_sync(
        policy,
        stores,
        books,
        clock,
        owner,
        on_catalog=_plan_limit(settings, zoho if budget is None else None),
    )
    loop = SyncLoop(sync.service, stores.orders, clock)
    reconcile = reconciler = None
    if sync.catalogs is not None and org:
        connections = ConnectionRepository(db, settings.fernet())
        reconcile, reconciler = _reconciler(
            settings, stores, http, owner=owner, sync=sync, connections=connections
        )

    async def store(event: OrderEvent) -> bool:
        intake = await take_in(stores.orders, stores.audit, event, clock.now_ms(), owner)
        return intake.outcome == "stored"

    consumer = OrderConsumer(
        str(settings.amqp_url), Topology.from_settings(settings), store, loop.kick
    )
    manual = ManualActions(stores.orders, stores.audit, sync.service, clock)
    return Worker(
        consumer,
        loop,
        stores,
        reconcile,
        reconciler,
        sync.index,
        sync.upsert,
        manual=manual,
        policy=policy,
        budget=zoho.budget if zoho is not None else None,
        catalogs=sync.catalogs,
    )


def _reconciler(
    settings: Settings,
    stores: Stores,
    http: aiohttp.ClientSession,
    *,
    owner: str,
    sync: SyncParts,
    connections: ConnectionRepository,
) -> tuple[ReconcilePass, Reconciler]:
    assert sync.catalogs is not None
    org = str(settings.zoho_organization_id)
    interval_ms = int(settings.reconcile_interval * 1000)
    feed = None
    if settings.order_feed_url is not None:
        feed = OrderFeed(http, str(settings.order_feed_url), settings.order_feed_token)
    reconcile = ReconcilePass(
        stores.orders,
        stores.audit,
        stores.reconciler,
        service=sync.service,
        catalogs=sync.catalogs,
        index=sync.index,
        feed=feed,
        clock=SystemClock(),
        owner=owner,
        settings=PassSettings(
            org, settings.auto_sync, interval_ms, settings.lookback_days * 86_400_000
        ),
        live=sync.policy,
        connections=connections,
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
