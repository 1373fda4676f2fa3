"""A reconciler pass reads what is missing, not every stored order (shown with ``explain``).

Query plans are MongoDB's: this runs only when ``ZBSYNC_TEST_MONGODB_URI`` names a real
MongoDB (the nx-27017 test server does not plan queries like MongoDB does).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from worker.store.mongo import Database
from worker.store.orders import ORDERS, OrderRepository
from worker.sync.records import OPEN_STATES, OrderRecord

pytestmark = pytest.mark.skipif(
    not os.environ.get("ZBSYNC_TEST_MONGODB_URI"),
    reason="query plans need a real MongoDB (set ZBSYNC_TEST_MONGODB_URI)",
)
NOW = 1_800_000_000_000


def _stages(plan: dict[str, Any]) -> list[str]:
    stages = [str(plan.get("stage"))]
    for child in ("inputStage", "queryPlan"):
        if child in plan:
            stages += _stages(plan[child])
    for child in plan.get("inputStages", []):
        stages += _stages(child)
    return stages


async def test_the_missing_orders_query_uses_the_state_index(mongo_db: Database) -> None:
    orders = OrderRepository(mongo_db)
    await orders.ensure_indexes()
    stored = [OrderRecord(order_id=str(n), state="synced", received_at_ms=NOW) for n in range(2000)]
    missing = [
        OrderRecord(order_id=f"m{n}", state="pending", received_at_ms=NOW) for n in range(10)
    ]
    for record in stored + missing:
        assert await orders.save(record) is not None

    query = {"state": {"$in": list(OPEN_STATES)}, "received_at_ms": {"$gte": NOW - 1}}
    explained = await mongo_db[ORDERS].find(query).explain()

    winning = explained["queryPlanner"]["winningPlan"]
    assert "IXSCAN" in _stages(winning)
    assert "COLLSCAN" not in _stages(winning)
    assert explained["executionStats"]["totalDocsExamined"] == len(missing)
    assert len(await orders.missing(NOW - 1, NOW + 1)) == len(missing)
