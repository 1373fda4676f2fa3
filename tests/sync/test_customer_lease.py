"""The customer lease is renewed while held and fenced: no contact write under a lost lease.

The resolver runs against the sandbox and MongoDB with a manual clock for its
lease; the Zoho client is the real one, except that a gated call waits at its
gate (a search before it asks Zoho, a create after Zoho applied it) until the
test opens it -- a slow Zoho, without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import aiohttp
import pytest
from pymongo.errors import AutoReconnect

from tests.support.manual_clock import ManualClock
from tests.support.mapping import order
from tests.support.memory_stores import MemoryCatalogs
from tests.support.zoho_fixtures import sandbox_state
from worker.clock import SystemClock
from worker.domain.catalog import Catalog
from worker.domain.lanes import Lane
from worker.store.contacts import ContactLinks
from worker.store.leases import Leases
from worker.store.mongo import Database
from worker.sync.catalog_cache import CatalogCache
from worker.sync.contacts import ContactResolver
from worker.sync.records import ContactLink
from worker.zoho.books import ZohoBooks
from worker.zoho.errors import TransientZohoError
from worker.zoho.http import JsonObject, ZohoHttp
from worker.zoho.models import Contact
from zoho_sandbox import RunningSandbox

LIVE = Lane.LIVE
TTL = 30_000
ORDER = order(billing_address={"line1": "Via Roma 1", "city": "Roma", "country": "IT"})


class Gate:
    """Where a call stops until the test opens it."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.opened = asyncio.Event()

    async def wait(self) -> None:
        """Say so, then stop here until opened."""
        self.reached.set()
        await self.opened.wait()


class GatedBooks(ZohoBooks):
    """The real client; ``gates`` stop a search before it leaves, a create after it applied."""

    def __init__(self, http: ZohoHttp) -> None:
        super().__init__(http)
        self.gates: dict[str, Gate] = {}

    async def contacts_by_email(self, email: str, lane: Lane) -> list[Contact]:
        """Stop at the gate first."""
        if gate := self.gates.get("contacts_by_email"):
            await gate.wait()
        return await super().contacts_by_email(email, lane)

    async def create_contact(self, payload: JsonObject, lane: Lane) -> Contact:
        """Stop at the gate once Zoho created the contact."""
        contact = await super().create_contact(payload, lane)
        if gate := self.gates.get("create_contact"):
            await gate.wait()
        return contact


class RenewalsFail(Leases):
    """MongoDB stops answering renewals once ``failing`` is set."""

    failing = False

    async def renew(self, name: str, owner: str, fence: int, ttl_ms: int, now_ms: int) -> bool:
        """Raise as an unreachable server would."""
        if self.failing:
            raise AutoReconnect("connection refused")
        return await super().renew(name, owner, fence, ttl_ms, now_ms)


@pytest.fixture
def gated_books(zoho_http: ZohoHttp) -> GatedBooks:
    """The Books client as the worker builds it, with gates."""
    return GatedBooks(zoho_http)


@pytest.fixture
async def catalog(gated_books: GatedBooks) -> Catalog:
    """The organization's taxes and currencies."""
    return await CatalogCache(gated_books, MemoryCatalogs(), SystemClock()).get(LIVE)


def lease_name(books: ZohoBooks) -> str:
    """The customer lease of ``ORDER``'s customer."""
    return f"customer:{books.organization_id}:ada@example.com"


async def first_of(step: Awaitable[Any], resolving: asyncio.Task[str]) -> None:
    """Wait for ``step``, or for the resolver if it ends first (so a failure cannot hang)."""
    waiting = asyncio.ensure_future(step)
    await asyncio.wait({waiting, resolving}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()


async def stored_link(db: Database, books: ZohoBooks) -> ContactLink | None:
    """The link saved for ``ORDER``'s customer, if any."""
    return await ContactLinks(db).load(books.organization_id, "ada@example.com", "EUR")


async def contacts_in_zoho(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> int:
    """How many contacts Zoho holds."""
    books = (await sandbox_state(http, sandbox))["books"]
    assert isinstance(books, dict)
    return sum(len(org["contacts"]) for org in books.values())


async def test_a_hold_longer_than_the_ttl_is_renewed_and_excludes_others(
    gated_books: GatedBooks, catalog: Catalog, mongo_db: Database
) -> None:
    clock, leases = ManualClock(), Leases(mongo_db)
    gate, resolving = await _held_at(
        "create_contact", gated_books, catalog, mongo_db, leases, clock
    )

    for _ in range(4):  # 4 x TTL/3: the hold outlasts the TTL
        assert clock.deadlines(), "nothing renews the customer lease"
        clock.advance(clock.deadlines()[0] - clock.now_ms())
        await first_of(clock.sleeping(), resolving)
        assert not resolving.done()
        assert await leases.acquire(lease_name(gated_books), "b", TTL, clock.now_ms()) is None

    gate.opened.set()
    contact_id = await resolving
    link = await stored_link(mongo_db, gated_books)
    assert link is not None
    assert link.contact_id == contact_id


async def test_a_taken_over_holder_sends_no_contact_create(
    gated_books: GatedBooks,
    catalog: Catalog,
    mongo_db: Database,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
) -> None:
    clock, leases = ManualClock(), Leases(mongo_db)
    gate, resolving = await _held_at(
        "contacts_by_email", gated_books, catalog, mongo_db, leases, clock
    )

    await _taken_over_by_b(leases, gated_books, clock)
    gate.opened.set()

    with pytest.raises(TransientZohoError, match="lease"):
        await resolving
    assert await contacts_in_zoho(http, sandbox) == 0
    assert await stored_link(mongo_db, gated_books) is None


async def test_a_taken_over_holder_saves_no_link(
    gated_books: GatedBooks, catalog: Catalog, mongo_db: Database
) -> None:
    clock, leases = ManualClock(), Leases(mongo_db)
    gate, resolving = await _held_at(
        "create_contact", gated_books, catalog, mongo_db, leases, clock
    )

    await _taken_over_by_b(leases, gated_books, clock)
    gate.opened.set()

    with pytest.raises(TransientZohoError, match="lease"):
        await resolving
    assert await stored_link(mongo_db, gated_books) is None


async def test_a_failed_renewal_stops_the_work_while_it_waits(
    gated_books: GatedBooks,
    catalog: Catalog,
    mongo_db: Database,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
) -> None:
    clock, leases = ManualClock(), RenewalsFail(mongo_db)
    gate, resolving = await _held_at(
        "contacts_by_email", gated_books, catalog, mongo_db, leases, clock
    )

    leases.failing = True
    assert clock.deadlines(), "nothing renews the customer lease"
    clock.advance(clock.deadlines()[0] - clock.now_ms())  # a renewal is due; MongoDB is down
    await first_of(clock.sleeping(), resolving)

    assert resolving.done(), "the renewal failed but the work goes on"
    with pytest.raises(TransientZohoError, match="lease"):
        await resolving
    gate.opened.set()
    assert await contacts_in_zoho(http, sandbox) == 0


async def _held_at(
    call: str,
    books: GatedBooks,
    catalog: Catalog,
    mongo_db: Database,
    leases: Leases,
    clock: ManualClock,
) -> tuple[Gate, asyncio.Task[str]]:
    """A resolver for ``ORDER`` on its way, held at the gate of ``call``."""
    resolver = ContactResolver(
        books, ContactLinks(mongo_db), leases, clock, owner="a", lease_ttl_ms=TTL
    )
    books.gates[call] = gate = Gate()
    resolving = asyncio.create_task(resolver.resolve(ORDER, catalog, LIVE))
    await first_of(gate.reached.wait(), resolving)
    return gate, resolving


async def _taken_over_by_b(leases: Leases, books: GatedBooks, clock: ManualClock) -> None:
    """The lease runs out without a renewal in between, and replica "b" takes it."""
    clock.advance(TTL + 1)
    assert await leases.acquire(lease_name(books), "b", TTL, clock.now_ms()) is not None
