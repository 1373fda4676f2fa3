"""The shared budget's limits on a real MongoDB wire server: window, day, concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests.support.budgets import ORGANIZATION_ID, HeldSlot, Recorder, Replicas
from tests.support.manual_clock import ManualClock
from worker.domain.budget_ledger import Ask
from worker.domain.lanes import Lane
from worker.store.budget import BudgetRepository
from worker.zoho.errors import DailyLimitReached


@pytest.fixture
def clock() -> ManualClock:
    """Time that moves only when the test says."""
    return ManualClock()


@pytest.fixture
def replicas(mongo_db: AsyncDatabase[dict[str, Any]], clock: ManualClock) -> Replicas:
    """Budgets for one organization sharing this test's database."""
    return Replicas(mongo_db, clock)


async def test_n_grants_per_window_then_the_next_waits_for_the_oldest_to_leave(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget, recorder = replicas.replica(), Recorder()
    start = clock.now_ms()
    await recorder.take_times(budget, Lane.LIVE, 3)
    fourth = asyncio.create_task(recorder.take(budget, Lane.LIVE, "fourth"))
    assert await clock.sleeping() == [start + 1000]
    clock.advance(999)
    assert (await budget.usage()).in_window == 3
    assert not fourth.done()
    clock.advance(1)
    await fourth
    assert recorder.order == ["LIVE", "LIVE", "LIVE", "fourth"]
    assert (await budget.usage()).in_window == 1


async def test_the_window_slides_one_stamp_at_a_time(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget, recorder = replicas.replica(), Recorder()
    start = clock.now_ms()
    await recorder.take_times(budget, Lane.LIVE, 2)
    clock.advance(500)
    await recorder.take(budget, Lane.LIVE)
    waiting = asyncio.create_task(recorder.take_times(budget, Lane.LIVE, 3))
    assert await clock.sleeping() == [start + 1000]
    clock.advance(500)  # both stamps from `start` leave: room for two, the third waits
    assert await clock.sleeping() == [start + 1500]
    assert len(recorder.order) == 5
    clock.advance(500)
    await waiting
    assert len(recorder.order) == 6
    assert (await budget.usage()).in_window == 3


async def test_replicas_share_one_window(replicas: Replicas, clock: ManualClock) -> None:
    first, second, recorder = replicas.replica("a"), replicas.replica("b"), Recorder()
    await recorder.take_times(first, Lane.LIVE, 2)
    await recorder.take(second, Lane.LIVE)
    late = asyncio.create_task(recorder.take(second, Lane.LIVE, "late"))
    assert await clock.sleeping() == [clock.now_ms() + 1000]
    assert (await first.usage()).in_window == 3
    clock.advance(1000)
    await late


async def test_the_daily_cap_raises_until_the_next_day(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget = replicas.replica(daily_limit=2, requests_per_window=10)
    await Recorder().take_times(budget, Lane.LIVE, 2)
    next_day = (clock.now_ms() // budget.limits.day_ms + 1) * budget.limits.day_ms
    with pytest.raises(DailyLimitReached) as refused:
        await Recorder().take(budget, Lane.MANUAL)
    assert refused.value.retry_at_ms == next_day
    clock.advance(next_day - clock.now_ms())
    await Recorder().take(budget, Lane.LIVE)
    assert (await budget.usage()).today == 1


async def test_set_daily_limit_applies_to_the_next_request(replicas: Replicas) -> None:
    budget = replicas.replica(daily_limit=1, requests_per_window=10)
    await Recorder().take(budget, Lane.LIVE)
    budget.set_daily_limit(2)
    await Recorder().take(budget, Lane.LIVE)
    assert (await budget.usage()).day_left == 0


async def test_concurrency_cap_waits_for_a_local_release(replicas: Replicas) -> None:
    budget, holders = replicas.replica(max_concurrency=2, requests_per_window=10), []
    for _ in range(2):
        held = HeldSlot()
        holders.append((held, asyncio.create_task(held.hold(budget))))
        await held.entered.wait()
    third = asyncio.create_task(Recorder().take(budget, Lane.LIVE))
    assert (await budget.usage()).in_flight == 2
    assert not third.done()
    holders[0][0].let_go.set()
    await third  # no clock step: the release in this process wakes the waiter
    holders[1][0].let_go.set()
    await asyncio.gather(*(task for _, task in holders))
    assert (await budget.usage()).in_flight == 0


async def test_a_release_on_another_replica_is_seen_at_the_next_poll(
    replicas: Replicas, clock: ManualClock
) -> None:
    other, budget = replicas.replica("b", max_concurrency=1), replicas.replica(max_concurrency=1)
    held = HeldSlot()
    holding = asyncio.create_task(held.hold(other))
    await held.entered.wait()
    waiter = asyncio.create_task(Recorder().take(budget, Lane.LIVE))
    (first_poll,) = await clock.sleeping()
    assert first_poll - clock.now_ms() <= 100  # a short poll, not the slot's TTL
    held.let_go.set()
    await holding
    clock.advance(100)
    await waiter


async def test_a_crashed_holders_slot_frees_itself_after_its_ttl(
    replicas: Replicas, clock: ManualClock, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    budget = replicas.replica(max_concurrency=1)
    crashed = Ask("crashed:1", "crashed", Lane.LIVE, clock.now_ms(), budget.limits)
    await BudgetRepository(mongo_db).acquire(ORGANIZATION_ID, crashed)
    waiter = asyncio.create_task(Recorder().take(budget, Lane.LIVE))
    await clock.sleeping()
    clock.advance(budget.limits.slot_ttl_ms - 1)
    await clock.sleeping()
    assert not waiter.done()
    clock.advance(1)
    await waiter
    assert (await budget.usage()).in_flight == 0


async def test_slots_given_back_at_once_are_all_freed(replicas: Replicas) -> None:
    budget = replicas.replica(requests_per_window=10, max_concurrency=5)
    held = [HeldSlot() for _ in range(5)]
    tasks = [asyncio.create_task(h.hold(budget)) for h in held]
    await asyncio.gather(*(h.entered.wait() for h in held))
    waiter = asyncio.create_task(Recorder().take(budget, Lane.LIVE))
    for h in held:
        h.let_go.set()
    await asyncio.gather(waiter, *tasks)
    assert (await budget.usage()).in_flight == 0
