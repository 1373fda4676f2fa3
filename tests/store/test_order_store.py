"""The order store's compare-and-swap writes: exact under races, bounded when broken."""

from __future__ import annotations

import asyncio

import pytest

from worker.store.mongo import Database
from worker.store.orders import ORDERS, OrderRepository
from worker.sync.errors import WriteContention
from worker.sync.records import OrderRecord


async def test_concurrent_changes_are_each_applied_once(mongo_db: Database) -> None:
    orders = OrderRepository(mongo_db)
    assert await orders.save(OrderRecord(order_id="1")) is not None

    await asyncio.gather(
        *(orders.change("1", lambda r: r and r.replace(work_seq=r.work_seq + 1)) for _ in range(20))
    )

    record = await orders.load("1")
    assert record is not None
    assert record.work_seq == 20


async def test_a_document_that_can_never_be_written_fails_instead_of_spinning(
    mongo_db: Database,
) -> None:
    await mongo_db[ORDERS].insert_one({"_id": "1", "state": "pending"})  # no version: damaged

    with pytest.raises(WriteContention):
        await OrderRepository(mongo_db).change("1", lambda r: r and r.replace(state="failed"))
