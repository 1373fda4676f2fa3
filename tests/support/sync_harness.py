"""The sync service wired as the worker wires it, against the sandbox and MongoDB.

The ``harness`` fixture for the sync and reconciler suites (``tests/sync/``, ``tests/reconcile/``),
loaded for the whole suite as a plugin (``pytest_plugins`` in ``tests/conftest.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import aiohttp
import pytest

from tests.support.memory_stores import (
    MemoryAudit,
    MemoryCatalogs,
    MemoryContactLinks,
    MemoryInvoiceIndex,
    MemoryLeases,
    MemoryOrders,
)
from tests.support.shifted_clock import ShiftedClock
from tests.support.zoho_fixtures import sandbox_state
from worker.bootstrap import Stores, build_sync
from worker.clock import Clock, SystemClock
from worker.domain.invoice_mapping import MappingSettings
from worker.events import OrderEvent
from worker.reconcile.feed import OrderFeed
from worker.reconcile.passes import Connections, PassSettings, ReconcilePass
from worker.reconcile.runner import Reconciler
from worker.store.leases import Leases
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.store.reconciler import ReconcilerStore
from worker.sync.catalog_cache import CatalogCache
from worker.sync.intake import Intake, take_in
from worker.sync.invoice_index import InvoiceIndex
from worker.sync.policy import LivePolicy, SyncPolicy
from worker.sync.ports import AuditLog, ContactLinkStore, OrderStore
from worker.sync.prepare import Catalogs
from worker.sync.records import OrderRecord
from worker.sync.service import OrderSync
from worker.zoho.books import ZohoBooks
from zoho_sandbox import RunningSandbox


@dataclass
class Harness:
    """Events in, sync passes, and what the sandbox ended up with."""

    orders: OrderStore
    audit: AuditLog
    service: OrderSync
    http: aiohttp.ClientSession
    sandbox: RunningSandbox
    db: Database
    catalogs: CatalogCache
    clock: Clock  # the sync service's time (a ShiftedClock unless a test gives another)
    contact_links: ContactLinkStore
    index: InvoiceIndex  # unchecked (creates look up in Zoho) until a test checks it
    policy: LivePolicy | None = None  # the policy in force; a test changes it as the console does

    def reconcile_pass(
        self,
        *,
        feed_url: str | None = None,
        auto_sync: bool = True,
        owner: str = "a",
        connections: Connections | None = None,
    ) -> ReconcilePass:
        """A reconciler pass over this harness (interval 600 s, lookback 30 days)."""
        feed = OrderFeed(self.http, feed_url, None) if feed_url else None
        settings = PassSettings("20061234567", auto_sync, 600_000, 30 * 86_400_000)
        return ReconcilePass(
            self.orders,
            self.audit,
            ReconcilerStore(self.db),
            service=self.service,
            catalogs=self.catalogs,
            index=self.index,
            feed=feed,
            clock=SystemClock(),
            owner=owner,
            settings=settings,
            connections=connections,
        )

    def reconciler(self, *, owner: str = "a", auto_sync: bool = True) -> Reconciler:
        """Replica ``owner``'s reconciler over this harness: its leader lease in MongoDB."""
        return Reconciler(
            self.reconcile_pass(auto_sync=auto_sync, owner=owner),
            Leases(self.db),
            ReconcilerStore(self.db),
            SystemClock(),
            organization_id="20061234567",
            owner=owner,
            interval_ms=600_000,
        )

    async def receive(self, event: OrderEvent) -> Intake:
        """What the consumer does before acknowledging."""
        return await take_in(self.orders, self.audit, event, SystemClock().now_ms(), "test")

    async def deliver(self, event: OrderEvent) -> OrderRecord:
        """Receive and sync at once, as a live event does."""
        await self.receive(event)
        await self.service.sync(event.order_id)
        record = await self.orders.load(event.order_id)
        assert record is not None
        return record

    async def pass_again(self, order_id: str) -> OrderRecord:
        """The order's next pass, made due now and a request timeout later (a create that had
        no answer is looked up no sooner; the harness's list-lag wait is 0)."""
        assert isinstance(self.clock, ShiftedClock)
        self.clock.advance(SyncPolicy().request_timeout_ms)
        await self.orders.change(order_id, lambda r: r and r.replace(due_at_ms=0))
        await self.service.sync(order_id)
        record = await self.orders.load(order_id)
        assert record is not None
        return record

    async def books(self) -> dict[str, Any]:
        """The sandbox's organization: contacts and invoices."""
        state = await sandbox_state(self.http, self.sandbox)
        books = state["books"]
        assert isinstance(books, dict)
        org: dict[str, Any] = next(iter(books.values()))
        return org

    async def calls(self, request_class: str = "*") -> list[dict[str, Any]]:
        """The sandbox's log of Books API calls (token calls left out)."""
        async with self.http.get(
            f"{self.sandbox.origin}/_sandbox/calls", params={"request_class": request_class}
        ) as resp:
            body: dict[str, list[dict[str, Any]]] = await resp.json()
        return [c for c in body["calls"] if not c["request_class"].startswith("oauth.")]


@pytest.fixture
def sync_policy() -> SyncPolicy:
    """No list-lag wait, so an unknown outcome is looked up on the next pass."""
    return SyncPolicy(list_lag_wait_ms=0, mapping=MappingSettings())


@pytest.fixture(params=["mongodb", "memory"])
async def harness(
    request: pytest.FixtureRequest,
    mongo_db: Database,
    books: ZohoBooks,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    sync_policy: SyncPolicy,
) -> Harness:
    """The per-order path as ``zbsync run`` builds it: on MongoDB, and on in-memory stores
    (the same behaviour through the ports, without the database)."""
    stores = Stores.on(mongo_db)
    if request.param == "memory":
        stores = replace(
            stores,
            orders=MemoryOrders(),
            audit=MemoryAudit(),
            leases=MemoryLeases(),
            contact_links=MemoryContactLinks(),
            catalogs=MemoryCatalogs(),
            invoice_index=MemoryInvoiceIndex(),
        )
    return await build_harness(mongo_db, books, http, sandbox, sync_policy, stores=stores)


async def build_harness(
    mongo_db: Database,
    books: ZohoBooks,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    policy: SyncPolicy,
    *,
    clock: Clock | None = None,
    stores: Stores | None = None,
    orders: OrderRepository | None = None,
    catalogs: Catalogs | None = None,
    owner: str = "a",
) -> Harness:
    """The per-order path as ``bootstrap`` builds it, with some parts replaced (a slower
    Books client, a hooked store, a fake catalog, a clock the test moves)."""
    clock = clock or ShiftedClock()
    stores = stores or Stores.on(mongo_db)
    if orders is not None:
        stores = replace(stores, orders=orders)
    await stores.ensure_indexes()
    sync = build_sync(policy, stores, books, clock, owner, catalogs=catalogs)
    assert sync.catalogs is not None
    assert sync.index is not None
    return Harness(
        stores.orders,
        stores.audit,
        sync.service,
        http,
        sandbox,
        mongo_db,
        sync.catalogs,
        clock,
        stores.contact_links,
        sync.index,
        sync.policy,
    )
