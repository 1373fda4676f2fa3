"""Priority lanes: who gets the next slot in a process, and the headroom lower lanes leave."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests.support.budgets import Recorder, Replicas
from tests.support.manual_clock import ManualClock
from worker.domain.budget_ledger import BudgetLimits
from worker.domain.lanes import Lane
from worker.zoho.errors import DailyLimitReached

LIMITS = BudgetLimits(requests_per_window=20, window_ms=1000, max_concurrency=5)


@pytest.fixture
def clock() -> ManualClock:
    """Time that moves only when the test says."""
    return ManualClock()


@pytest.fixture
def replicas(mongo_db: AsyncDatabase[dict[str, Any]], clock: ManualClock) -> Replicas:
    """Budgets for one organization sharing this test's database."""
    return Replicas(mongo_db, clock, LIMITS)


async def test_waiting_callers_are_served_by_lane_then_arrival(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget, recorder = replicas.replica(), Recorder()
    await Recorder().take_times(budget, Lane.LIVE, 20)
    arrivals = [
        (Lane.BACKFILL, "backfill-1"),
        (Lane.RECONCILER, "reconciler-1"),
        (Lane.LIVE, "live-1"),
        (Lane.MANUAL, "manual-1"),
        (Lane.BACKFILL, "backfill-2"),
        (Lane.LIVE, "live-2"),
        (Lane.MANUAL, "manual-2"),
        (Lane.RECONCILER, "reconciler-2"),
    ]
    tasks = [asyncio.create_task(recorder.take(budget, lane, name)) for lane, name in arrivals]
    await clock.sleeping()
    assert recorder.order == []
    assert budget.waiting == len(arrivals)
    clock.advance(1000)
    await asyncio.gather(*tasks)
    assert recorder.order == [
        "manual-1", "manual-2", "live-1", "live-2",
        "reconciler-1", "reconciler-2", "backfill-1", "backfill-2",
    ]  # fmt: skip


async def test_a_later_higher_lane_caller_overtakes_a_waiting_lower_one(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget, recorder = replicas.replica(requests_per_window=1), Recorder()
    await Recorder().take(budget, Lane.LIVE)
    backfill = asyncio.create_task(recorder.take(budget, Lane.BACKFILL))
    await clock.sleeping()  # the backfill waits for the window
    live = asyncio.create_task(recorder.take(budget, Lane.LIVE))
    clock.advance(1000)
    await live
    assert recorder.order == ["LIVE"]
    clock.advance(1000)
    await backfill
    assert recorder.order == ["LIVE", "BACKFILL"]


async def test_lower_lanes_leave_headroom_for_live_work_on_other_replicas(
    replicas: Replicas, clock: ManualClock
) -> None:
    backfilling = replicas.replica("a", requests_per_window=10)
    live = replicas.replica("b", requests_per_window=10)
    await Recorder().take_times(backfilling, Lane.BACKFILL, 6)  # 60 % of the window
    seventh = asyncio.create_task(Recorder().take(backfilling, Lane.BACKFILL))
    await clock.sleeping()
    await Recorder().take_times(live, Lane.RECONCILER, 2)  # up to 80 %
    await Recorder().take_times(live, Lane.LIVE, 2)  # the rest
    usage = await live.usage()
    assert (usage.in_window, seventh.done()) == (10, False)
    clock.advance(1000)
    await seventh


async def test_lower_lanes_leave_part_of_the_day_to_live_work(replicas: Replicas) -> None:
    budget = replicas.replica(daily_limit=10)
    await Recorder().take_times(budget, Lane.BACKFILL, 6)
    with pytest.raises(DailyLimitReached):
        await Recorder().take(budget, Lane.BACKFILL)
    await Recorder().take_times(budget, Lane.LIVE, 4)
    assert (await budget.usage()).day_left == 0


async def test_a_cancelled_waiter_leaves_and_the_next_one_is_served(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget, recorder = replicas.replica(requests_per_window=1), Recorder()
    await Recorder().take(budget, Lane.LIVE)
    head = asyncio.create_task(recorder.take(budget, Lane.MANUAL, "cancelled"))
    behind = asyncio.create_task(recorder.take(budget, Lane.BACKFILL, "behind"))
    await clock.sleeping()
    head.cancel()
    with pytest.raises(asyncio.CancelledError):
        await head
    clock.advance(1000)
    await behind
    assert (recorder.order, budget.waiting) == (["behind"], 0)
