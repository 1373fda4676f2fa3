"""Replicas racing for one budget document on a real MongoDB wire server keep every limit.

Each replica has its own client (its own connections), and every round fires
their asks and releases at once, so compare-and-swap conflicts really happen.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.budget_checks import assert_within_limits
from worker.domain.budget_ledger import Ask, BudgetLimits, Granted
from worker.domain.lanes import Lane
from worker.store.budget import BudgetRepository
from worker.store.mongo import open_database

LIMITS = BudgetLimits(
    requests_per_window=6, window_ms=1000, daily_limit=20, day_ms=5000, max_concurrency=4,
    slot_ttl_ms=1500,
)  # fmt: skip
START = 1_800_000_000_000
REPLICAS = 3

rounds = st.lists(
    st.tuples(
        st.integers(0, 600),  # time passing before the round
        st.lists(st.integers(0, 4), min_size=REPLICAS, max_size=REPLICAS),  # asks per replica
        st.integers(0, 3),  # slots released during the round
    ),
    min_size=1,
    max_size=10,
)


@dataclass
class Race:
    """The replicas' repositories and what they were granted."""

    repositories: list[BudgetRepository]
    organization_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    stamps: list[int] = field(default_factory=list)
    held: list[str] = field(default_factory=list)

    async def ask(self, replica: int, now: int) -> None:
        """One replica asks for a slot."""
        holder = f"r{replica}:{uuid.uuid4().hex[:8]}"
        ask = Ask(holder, f"r{replica}", Lane.LIVE, now, LIMITS)
        outcome = await self.repositories[replica].acquire(self.organization_id, ask)
        if isinstance(outcome, Granted):
            self.stamps.append(outcome.at_ms)
            self.held.append(holder)

    async def round(self, now: int, asks: list[int], releases: int) -> None:
        """Everyone at once: the asks of every replica and some releases."""
        leaving, self.held = self.held[:releases], self.held[releases:]
        await asyncio.gather(
            *(self.ask(r, now) for r, times in enumerate(asks) for _ in range(times)),
            *(self.repositories[0].release(self.organization_id, {h}) for h in leaving),
        )


@asynccontextmanager
async def racing(uri: str) -> AsyncIterator[Race]:
    """A fresh database and one client per replica."""
    clients = [open_database(uri, serverSelectionTimeoutMS=5000)[0] for _ in range(REPLICAS)]
    name = f"t_{uuid.uuid4().hex[:16]}"
    try:
        yield Race([BudgetRepository(c[name]) for c in clients])
    finally:
        await clients[0].drop_database(name)
        await asyncio.gather(*(c.close() for c in clients))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=rounds)
async def test_racing_replicas_never_exceed_window_day_or_concurrency(
    mongodb_uri: str, schedule: list[tuple[int, list[int], int]]
) -> None:
    async with racing(mongodb_uri) as race:
        now = START
        for gap, asks, releases in schedule:
            now += gap
            await race.round(now, asks, releases)
            usage = await race.repositories[1].usage(race.organization_id, now, LIMITS)
            assert usage.in_flight <= LIMITS.max_concurrency
        assert_within_limits(race.stamps, LIMITS)
