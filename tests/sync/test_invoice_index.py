"""Lookups only where needed (SPEC §3, issue 10): the invoice index.

A process that has checked the index against Zoho creates without looking the
reference up; before that check, after an unknown outcome and for a person's
request it looks in Zoho. The check reads Zoho's newest invoices down to the
mark the last one left, so a database restored from an older copy catches up
before it creates again.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness, build_harness
from tests.support.zoho_fixtures import add_fault
from worker.bootstrap import Stores
from worker.clock import SystemClock
from worker.domain.lanes import Lane
from worker.store.leases import Leases
from worker.store.mongo import Database
from worker.sync.policy import SyncPolicy
from worker.zoho import books as books_module
from worker.zoho.books import ZohoBooks
from zoho_sandbox import RunningSandbox


async def _calls(harness: Harness, request_class: str) -> int:
    return len(await harness.calls(request_class))


async def _advance_zoho(harness: Harness, seconds: float) -> None:
    """Move the sandbox's clock, so invoices get distinct ``created_time``s."""
    url = f"{harness.sandbox.origin}/_sandbox/clock"
    async with harness.http.post(url, json={"advance": seconds}) as resp:
        assert resp.status == 200, await resp.text()


async def _invoices(harness: Harness) -> list[dict[str, Any]]:
    invoices: list[dict[str, Any]] = (await harness.books())["invoices"]
    return invoices


async def _invoice_by_a_person(harness: Harness, books: ZohoBooks, reference: str) -> str:
    """An invoice created in Zoho outside the worker, for the first invoice's customer."""
    customer_id = (await _invoices(harness))[0]["customer_id"]
    payload = {
        "customer_id": customer_id,
        "reference_number": reference,
        "date": "2026-11-30",
        "line_items": [{"name": "Typed in by hand", "rate": 10, "quantity": 1}],
    }
    return (await books.create_invoice(payload, Lane.MANUAL)).invoice_id


async def test_after_the_check_a_first_create_makes_no_lookup(harness: Harness) -> None:
    await harness.index.check(Lane.RECONCILER)
    lists = await _calls(harness, "invoices.list")

    record = await harness.deliver(event("order.paid", order_data("1001")))

    assert record.state == "synced"
    assert await _calls(harness, "invoices.list") == lists
    assert await _calls(harness, "invoices.create") == 1


async def test_until_the_check_a_create_looks_up_in_zoho(harness: Harness) -> None:
    assert not harness.index.checked

    await harness.deliver(event("order.paid", order_data("1001")))

    assert await _calls(harness, "invoices.list") == 1
    assert await _calls(harness, "invoices.create") == 1


async def test_an_unknown_outcome_is_looked_up_in_zoho_even_after_the_check(
    harness: Harness,
) -> None:
    await harness.index.check(Lane.RECONCILER)
    await add_fault(harness.http, harness.sandbox, "invoices.create", "applied_then_500")
    failed = await harness.deliver(event("order.paid", order_data("1001")))
    assert failed.state == "failed"
    lists = await _calls(harness, "invoices.list")

    record = await harness.pass_again("1001")
    assert record.state == "synced"
    assert await _calls(harness, "invoices.list") == lists + 1
    assert len(await _invoices(harness)) == 1


async def test_an_invoice_the_check_read_is_adopted_without_a_create(
    harness: Harness, books: ZohoBooks
) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    await _invoice_by_a_person(harness, books, "ORD-1002")
    result = await harness.index.check(Lane.RECONCILER)
    assert result is not None
    assert result.unknown == 1  # the worker's own invoice was known
    lists = await _calls(harness, "invoices.list")

    record = await harness.deliver(event("order.paid", order_data("1002")))

    assert record.invoice is not None
    assert record.state == "synced"  # adopted, read and updated to the order's content
    assert await _calls(harness, "invoices.create") == 2  # the worker's first, the person's
    assert await _calls(harness, "invoices.list") == lists
    assert len(await _invoices(harness)) == 2


async def test_the_check_reads_zohos_list_newest_first_down_to_its_mark(
    harness: Harness, books: ZohoBooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(books_module, "PER_PAGE", 5)
    for n in range(12):
        await harness.deliver(event("order.paid", order_data(str(1001 + n))))
        await _advance_zoho(harness, 2)

    first = await harness.index.check(Lane.RECONCILER)
    again = await harness.index.check(Lane.RECONCILER)
    await _invoice_by_a_person(harness, books, "ORD-2001")
    await _invoice_by_a_person(harness, books, "ORD-2002")
    after_two = await harness.index.check(Lane.RECONCILER)

    assert first is not None
    assert (first.pages, first.read, first.unknown) == (3, 12, 0)
    assert first.first_import
    # Only the newest (the mark's own second) is read again, then the two new ones.
    assert again is not None
    assert (again.pages, again.read, again.unknown) == (1, 1, 0)
    assert after_two is not None
    assert (after_two.pages, after_two.read) == (1, 3)
    assert after_two.unknown == 2


async def test_a_deleted_invoice_leaves_the_index(harness: Harness) -> None:
    await harness.index.check(Lane.RECONCILER)
    await harness.deliver(event("order.paid", order_data("1001")))
    assert len(await harness.index.find("ORD-1001")) == 1

    await harness.deliver(event("order.deleted", {"id": "1001", "revision": 2}))

    assert await harness.index.find("ORD-1001") == []


async def _backup(db: Database) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [doc async for doc in db[name].find()] for name in await db.list_collection_names()
    }


async def _restore(db: Database, backup: dict[str, list[dict[str, Any]]]) -> None:
    for name in await db.list_collection_names():
        await db.drop_collection(name)
    for name, docs in backup.items():
        if docs:
            await db[name].insert_many(docs)


async def _process(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    mongo_db: Database,
    books: ZohoBooks,
    owner: str,
) -> Harness:
    """The per-order path of one process, on MongoDB."""
    return await build_harness(
        mongo_db,
        books,
        http,
        sandbox,
        SyncPolicy(list_lag_wait_ms=0),
        stores=Stores.on(mongo_db),
        owner=owner,
    )


@pytest.fixture
async def on_mongodb(
    mongo_db: Database, books: ZohoBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> Harness:
    """The harness on MongoDB only: these tests restore a database."""
    return await _process(http, sandbox, mongo_db, books, "a")


ORDERS = ("1001", "1002", "1003")


async def test_a_restored_older_database_creates_no_duplicate_after_a_restart(
    on_mongodb: Harness, mongo_db: Database, books: ZohoBooks
) -> None:
    await on_mongodb.index.check(Lane.RECONCILER)
    for order_id in ORDERS:
        await on_mongodb.receive(event("order.paid", order_data(order_id)))
    backup = await _backup(mongo_db)  # the orders stored, their invoices not yet created
    for order_id in ORDERS:
        await on_mongodb.service.sync(order_id)
    numbers = sorted(i["invoice_number"] for i in await _invoices(on_mongodb))

    await _restore(mongo_db, backup)
    restarted = await _process(
        on_mongodb.http, on_mongodb.sandbox, mongo_db, books, "b"
    )  # its index not yet checked
    result = await restarted.index.check(Lane.RECONCILER)
    lists = await _calls(restarted, "invoices.list")
    for order_id in ORDERS:
        await restarted.orders.make_due(order_id, 0, "LIVE")
        await restarted.service.sync(order_id)

    assert sorted(i["invoice_number"] for i in await _invoices(restarted)) == numbers
    assert result is not None
    assert result.unknown == len(ORDERS)
    assert await _calls(restarted, "invoices.create") == len(ORDERS)
    assert await _calls(restarted, "invoices.list") == lists  # the index answered
    for order_id in ORDERS:
        record = await restarted.orders.load(order_id)
        assert record is not None
        assert record.state == "synced"


async def test_a_database_restored_under_a_running_process_is_caught_by_the_next_pass(
    on_mongodb: Harness, mongo_db: Database
) -> None:
    await on_mongodb.index.check(Lane.RECONCILER)
    for order_id in ORDERS:
        await on_mongodb.receive(event("order.paid", order_data(order_id)))
    backup = await _backup(mongo_db)
    for order_id in ORDERS:
        await on_mongodb.service.sync(order_id)

    await _restore(mongo_db, backup)
    summary = await on_mongodb.reconcile_pass().run(manual=False)

    assert len(await _invoices(on_mongodb)) == len(ORDERS)
    assert summary.index_unknown == len(ORDERS)
    assert summary.found == len(ORDERS)
    assert await _calls(on_mongodb, "invoices.create") == len(ORDERS)


async def test_a_first_import_is_one_replicas_at_a_time_a_later_check_anyones(
    on_mongodb: Harness, mongo_db: Database, books: ZohoBooks
) -> None:
    other = await _process(on_mongodb.http, on_mongodb.sandbox, mongo_db, books, "b")
    leases, lease = Leases(mongo_db), "invoice-index:20061234567"
    assert await leases.acquire(lease, "importer", 60_000, SystemClock().now_ms()) is not None

    assert await other.index.check(Lane.RECONCILER) is None  # someone imports: wait for it
    await leases.release(lease, "importer")
    assert await on_mongodb.index.check(Lane.RECONCILER) is not None
    assert await leases.acquire(lease, "importer", 60_000, SystemClock().now_ms()) is not None
    assert await other.index.check(Lane.RECONCILER) is not None  # from the mark, no lease
    assert other.index.checked


async def test_while_another_replica_imports_a_create_waits_instead_of_looking_up(
    on_mongodb: Harness, mongo_db: Database
) -> None:
    leases, lease = Leases(mongo_db), "invoice-index:20061234567"
    assert await leases.acquire(lease, "importer", 60_000, SystemClock().now_ms()) is not None
    checking = asyncio.create_task(on_mongodb.index.check_until_done(Lane.LIVE))
    while not on_mongodb.index.underway:  # noqa: ASYNC110 - the task's first try, no timing
        await asyncio.sleep(0)

    waiting = await on_mongodb.deliver(event("order.paid", order_data("1001")))
    await leases.release(lease, "importer")
    await checking
    done = await on_mongodb.pass_again("1001")

    assert waiting.state == "failed"
    assert waiting.reason == "waiting for the invoice index to be checked"
    lookups = [
        c for c in await on_mongodb.calls("invoices.list") if "reference_number" in c["query"]
    ]
    assert lookups == []
    assert done.state == "synced"
    assert len(await _invoices(on_mongodb)) == 1


async def test_the_start_check_and_a_first_pass_at_once_read_the_list_once(
    harness: Harness,
) -> None:
    at_start, first_pass = await asyncio.gather(
        harness.index.check(Lane.LIVE), harness.index.check(Lane.RECONCILER)
    )

    assert at_start == first_pass
    assert await _calls(harness, "invoices.list") == 1
