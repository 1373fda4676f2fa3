"""The admin's order list: pages newest first, by state and search, on MongoDB and in memory."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.memory_stores import MemoryOrders
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.sync.ports import OrderStore
from worker.sync.records import InvoiceRef, OrderRecord, PageMark, page_mark


@pytest.fixture(params=["mongodb", "memory"])
async def orders(request: pytest.FixtureRequest, mongo_db: Database) -> OrderStore:
    """Five orders received one per second (two at the same moment), one with an invoice."""
    store: OrderStore = OrderRepository(mongo_db) if request.param == "mongodb" else MemoryOrders()
    await store.ensure_indexes()
    invoice = InvoiceRef(
        organization_id="1", invoice_id="9", invoice_number="INV-000009", status="draft"
    )
    for n, at_ms in [(1, 1000), (2, 2000), (3, 3000), (4, 3000), (5, 5000)]:
        record = OrderRecord(
            order_id=f"A{n}",
            received_at_ms=at_ms,
            snapshot={"number": f"#{n}"},
            state="synced" if n % 2 else "pending",
            invoice=invoice if n == 2 else None,
        )
        await store.change(record.order_id, _inserting(record))
    return store


def _inserting(record: OrderRecord) -> Callable[[OrderRecord | None], OrderRecord]:
    return lambda _: record


async def _all_pages(store: OrderStore, limit: int, state: str | None = None) -> list[list[str]]:
    pages: list[list[str]] = []
    after: PageMark | None = None
    while True:
        page = await store.page(state=state, search=None, after=after, limit=limit)
        if not page:
            return pages
        pages.append([r.order_id for r in page])
        after = page_mark(page[-1])


async def test_pages_go_newest_first_without_gaps_or_repeats(orders: OrderStore) -> None:
    assert await _all_pages(orders, 2) == [["A5", "A4"], ["A3", "A2"], ["A1"]]


async def test_pages_of_one_state(orders: OrderStore) -> None:
    assert await _all_pages(orders, 1, state="pending") == [["A4"], ["A2"]]


@pytest.mark.parametrize(
    ("search", "found"),
    [("A3", ["A3"]), ("#4", ["A4"]), ("INV-000009", ["A2"]), ("nothing", [])],
)
async def test_search_by_id_number_or_invoice_number(
    orders: OrderStore, search: str, found: list[str]
) -> None:
    page = await orders.page(state=None, search=search, after=None, limit=10)
    assert [r.order_id for r in page] == found


async def test_orders_received_at_one_moment_stay_in_order_across_pages(
    orders: OrderStore,
) -> None:
    assert await _all_pages(orders, 1) == [["A5"], ["A4"], ["A3"], ["A2"], ["A1"]]


@pytest.mark.parametrize(("search", "found"), [("A3", ["A3"]), ("A4", []), ("#5", [])])
async def test_a_search_after_a_page_mark_keeps_only_what_comes_after_it(
    orders: OrderStore, search: str, found: list[str]
) -> None:
    page = await orders.page(state=None, search=search, after=(3000, "A4"), limit=10)
    assert [r.order_id for r in page] == found


async def test_a_search_within_a_state(orders: OrderStore) -> None:
    assert await orders.page(state="pending", search="A3", after=None, limit=10) == []
    found = await orders.page(state="synced", search="#3", after=None, limit=10)
    assert [r.order_id for r in found] == ["A3"]
