"""A slot whose release fails: the call's own result stands (issue 8, item 8)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import AutoReconnect

from tests.support.budgets import ORGANIZATION_ID
from tests.support.manual_clock import ManualClock
from worker.domain.budget_ledger import BudgetLimits
from worker.domain.lanes import Lane
from worker.store.budget import BudgetRepository
from worker.zoho.budget import RequestBudget


class _ReleaseFails(BudgetRepository):
    """Grants work; giving a slot back fails, as in a MongoDB failover."""

    async def release(self, *args: Any, **kwargs: Any) -> None:
        raise AutoReconnect("primary stepped down")


async def test_a_failed_release_neither_replaces_the_result_nor_loses_the_slot_for_good(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ManualClock()
    limits = BudgetLimits(max_concurrency=1)
    failing = RequestBudget(_ReleaseFails(mongo_db), ORGANIZATION_ID, limits, clock, "a")

    async with failing.slot(Lane.LIVE):
        result = "the invoice Zoho created"
    assert result == "the invoice Zoho created"  # reached: the release error was not raised

    # The unreleased slot ends when its hold expires, and the next process gets one.
    clock.advance(limits.slot_ttl_ms + 1)
    healthy = RequestBudget(BudgetRepository(mongo_db), ORGANIZATION_ID, limits, clock, "b")
    async with healthy.slot(Lane.LIVE):
        pass
