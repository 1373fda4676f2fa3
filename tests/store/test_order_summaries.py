"""What ``status`` and ``check`` read from the orders: counts by state, rates and currencies seen.

The same assertions on MongoDB (nx-27017 or a real server) and on the in-memory twin.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.memory_stores import MemoryAudit, MemoryOrders
from tests.support.orders import event, order_data
from worker.store.audit import AuditTrail
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.sync.intake import take_in
from worker.sync.ports import AuditLog, OrderStore

D = Decimal


@pytest.fixture(params=["mongodb", "memory"])
def stores(request: pytest.FixtureRequest, mongo_db: Database) -> tuple[OrderStore, AuditLog]:
    if request.param == "memory":
        return MemoryOrders(), MemoryAudit()
    return OrderRepository(mongo_db), AuditTrail(mongo_db)


async def _store(orders: OrderStore, audit: AuditLog, order_id: str, **overrides: object) -> None:
    await take_in(orders, audit, event("order.paid", order_data(order_id, **overrides)), 0, "t")


async def test_nothing_stored_yet(stores: tuple[OrderStore, AuditLog]) -> None:
    orders, _ = stores
    assert await orders.count_by_state() == {}
    seen = await orders.seen_in_snapshots()
    assert seen.rates == frozenset()
    assert seen.currencies == frozenset()


async def test_counts_by_state(stores: tuple[OrderStore, AuditLog]) -> None:
    orders, audit = stores
    for order_id in ("1", "2", "3"):
        await _store(orders, audit, order_id)
    await orders.change("3", lambda r: r and r.replace(state="synced"))
    gone = event("order.deleted", {"id": "4"})  # never seen paid: stored without a snapshot
    await take_in(orders, audit, gone, 0, "t")
    stored = await orders.load("4")
    assert stored is not None
    assert stored.snapshot is None

    assert await orders.count_by_state() == {"pending": 2, "synced": 1, stored.state: 1}


async def test_rates_from_lines_discounts_and_shipping_and_currencies(
    stores: tuple[OrderStore, AuditLog],
) -> None:
    orders, audit = stores
    await _store(orders, audit, "1")  # lines 22 and 4, discount 22, shipping 22, EUR
    line = {"name": "Pasta", "quantity": 1, "unit_price": "10.00", "tax_rate": "10"}
    await _store(
        orders,
        audit,
        "2",
        currency="usd",
        lines=[line, {"name": "Gift card", "quantity": 1, "unit_price": "5.00"}],
        discounts=[{"amount": "1.00", "tax_rate": "5.5"}],
        shipping={"amount": "3.00", "tax_rate": "0"},
        total="17.04",
    )

    seen = await orders.seen_in_snapshots()

    assert seen.rates == {D(22), D(4), D(10), D("5.5"), D(0)}
    assert seen.currencies == {"EUR", "USD"}
