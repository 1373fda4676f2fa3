"""When Zoho answers 429 anyway: code 44 holds everyone off, 45 pauses automatic lanes, 1070."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests.support.budgets import ORGANIZATION_ID, Recorder, Replicas
from tests.support.manual_clock import ManualClock
from worker.domain.lanes import Lane
from worker.store.budget import BudgetRepository
from worker.zoho.budget import RequestBudget
from worker.zoho.errors import DailyLimitReached

HOUR_MS = 3_600_000


@pytest.fixture
def clock() -> ManualClock:
    """Time that moves only when the test says."""
    return ManualClock()


@pytest.fixture
def replicas(mongo_db: AsyncDatabase[dict[str, Any]], clock: ManualClock) -> Replicas:
    """Budgets for one organization sharing this test's database."""
    return Replicas(mongo_db, clock)


async def test_code_44_holds_every_replica_off_for_a_window(
    replicas: Replicas, clock: ManualClock
) -> None:
    told, other = replicas.replica("a"), replicas.replica("b")
    until = clock.now_ms() + told.limits.window_ms
    await told.note_rate_limited(44)
    manual = asyncio.create_task(Recorder().take(other, Lane.MANUAL))
    assert await clock.sleeping() == [until]
    assert (await other.usage()).in_window == 0
    clock.advance(told.limits.window_ms)
    await manual
    assert (await other.usage()).in_window == 1


async def _see_45(budget: RequestBudget) -> None:
    """A call that meets code 45 and says so inside its slot."""
    async with budget.slot(Lane.LIVE):
        await budget.note_rate_limited(45)


async def test_code_45_stops_automatic_lanes_on_every_replica_but_not_manual(
    replicas: Replicas, clock: ManualClock
) -> None:
    told, other = replicas.replica("a"), replicas.replica("b")
    probe_at = clock.now_ms() + HOUR_MS
    await _see_45(told)
    for lane in (Lane.LIVE, Lane.RECONCILER, Lane.BACKFILL):
        with pytest.raises(DailyLimitReached) as refused:
            await Recorder().take(other, lane)
        assert (refused.value.code, refused.value.retry_at_ms) == (45, probe_at)
    await Recorder().take(other, Lane.MANUAL)


async def test_an_hourly_probe_that_succeeds_resumes_automatic_work(
    replicas: Replicas, clock: ManualClock
) -> None:
    told, other = replicas.replica("a"), replicas.replica("b")
    await _see_45(told)
    clock.advance(HOUR_MS)
    async with other.slot(Lane.BACKFILL):  # the probe: the only automatic slot for now
        with pytest.raises(DailyLimitReached) as refused:
            await Recorder().take(told, Lane.LIVE)
        assert refused.value.retry_at_ms == clock.now_ms() + HOUR_MS
    await Recorder().take_times(told, Lane.LIVE, 2)


async def test_a_probe_that_meets_45_again_keeps_the_pause(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget = replicas.replica()
    await _see_45(budget)
    clock.advance(HOUR_MS)
    await _see_45(budget)
    with pytest.raises(DailyLimitReached) as refused:
        await Recorder().take(budget, Lane.LIVE)
    assert refused.value.retry_at_ms == clock.now_ms() + HOUR_MS


async def test_a_probe_that_fails_otherwise_does_not_resume(
    replicas: Replicas, clock: ManualClock
) -> None:
    budget = replicas.replica()
    await _see_45(budget)
    clock.advance(HOUR_MS)
    with pytest.raises(ConnectionError):
        async with budget.slot(Lane.LIVE):
            raise ConnectionError("reset by peer")
    with pytest.raises(DailyLimitReached):
        await Recorder().take(budget, Lane.LIVE)
    assert (await budget.usage()).in_flight == 0


async def test_code_1070_backs_off_only_the_caller_with_jitter(
    mongo_db: AsyncDatabase[dict[str, Any]], clock: ManualClock, replicas: Replicas
) -> None:
    budget = RequestBudget(
        BudgetRepository(mongo_db),
        ORGANIZATION_ID,
        replicas.limits,
        clock,
        "a",
        rng=random.Random(7),  # noqa: S311 - jitter, seeded for the test
    )
    now = clock.now_ms()
    backing_off = asyncio.create_task(budget.note_rate_limited(1070))
    (wake,) = await clock.sleeping()
    assert now + 500 <= wake <= now + 1500
    await Recorder().take(budget, Lane.LIVE)  # others are not held back
    assert not backing_off.done()
    clock.advance(wake - now)
    await backing_off


async def test_other_codes_are_a_programming_error(replicas: Replicas) -> None:
    with pytest.raises(ValueError, match="rate-limit"):
        await replicas.replica().note_rate_limited(57)
