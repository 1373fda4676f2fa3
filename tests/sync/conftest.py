"""The sync service wired as the worker wires it, against the sandbox and MongoDB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from tests.support.shifted_clock import ShiftedClock
from tests.support.zoho_fixtures import sandbox_state
from worker.clock import Clock, SystemClock
from worker.domain.invoice_mapping import MappingSettings
from worker.events import OrderEvent
from worker.reconcile.feed import OrderFeed
from worker.reconcile.passes import PassSettings, ReconcilePass
from worker.store.audit import AuditTrail
from worker.store.contacts import ContactLinks
from worker.store.leases import Leases
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.store.reconciler import ReconcilerStore
from worker.sync.catalog_cache import CatalogCache
from worker.sync.contacts import ContactResolver
from worker.sync.intake import Intake, take_in
from worker.sync.policy import SyncPolicy
from worker.sync.prepare import Catalogs, Preparer
from worker.sync.records import OrderRecord
from worker.sync.service import OrderSync
from worker.zoho.books import ZohoBooks
from zoho_sandbox import RunningSandbox


@dataclass
class Harness:
    """Events in, sync passes, and what the sandbox ended up with."""

    orders: OrderRepository
    audit: AuditTrail
    service: OrderSync
    http: aiohttp.ClientSession
    sandbox: RunningSandbox
    db: Database
    catalogs: CatalogCache
    clock: Clock  # the sync service's time (a ShiftedClock unless a test gives another)

    def reconcile_pass(
        self, *, feed_url: str | None = None, auto_sync: bool = True, owner: str = "a"
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
            feed=feed,
            clock=SystemClock(),
            owner=owner,
            settings=settings,
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


@pytest.fixture
async def harness(
    mongo_db: Database,
    books: ZohoBooks,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    sync_policy: SyncPolicy,
) -> Harness:
    """The per-order path as ``zbsync run`` builds it."""
    return await build_harness(mongo_db, books, http, sandbox, sync_policy)


async def build_harness(
    mongo_db: Database,
    books: ZohoBooks,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    policy: SyncPolicy,
    *,
    clock: Clock | None = None,
    orders: OrderRepository | None = None,
    catalogs: Catalogs | None = None,
    owner: str = "a",
) -> Harness:
    """A harness with some parts replaced (a slower budget, a hooked store, a fake catalog)."""
    clock = clock or ShiftedClock()
    orders = orders or OrderRepository(mongo_db)
    audit = AuditTrail(mongo_db)
    await orders.ensure_indexes()
    contacts = ContactResolver(books, ContactLinks(mongo_db), Leases(mongo_db), clock, owner=owner)
    cache = CatalogCache(books, clock)
    preparer = Preparer(
        books,
        catalogs=catalogs or cache,
        contacts=contacts,
        clock=clock,
        policy=policy,
    )
    service = OrderSync(orders, audit, preparer, clock=clock, owner=owner, policy=policy)
    return Harness(orders, audit, service, http, sandbox, mongo_db, cache, clock)
