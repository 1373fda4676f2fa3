"""Helpers for request-budget tests: replicas sharing one budget, callers that record or hold."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from tests.support.manual_clock import ManualClock
from worker.domain.budget_ledger import BudgetLimits
from worker.domain.lanes import Lane
from worker.store.budget import BudgetRepository
from worker.zoho.budget import RequestBudget

ORGANIZATION_ID = "20061234567"
SMALL = BudgetLimits(requests_per_window=3, window_ms=1000, max_concurrency=5)


@dataclass
class Replicas:
    """Budgets for one organization, as separate replicas would build them, on one clock."""

    database: AsyncDatabase[dict[str, Any]]
    clock: ManualClock
    limits: BudgetLimits = SMALL

    def replica(self, owner: str = "replica-a", **changes: int) -> RequestBudget:
        """A replica's budget with its own repository; ``changes`` override the limits."""
        limits = BudgetLimits(**{**self.limits.__dict__, **changes})
        return RequestBudget(
            BudgetRepository(self.database), ORGANIZATION_ID, limits, self.clock, owner
        )


@dataclass
class Recorder:
    """Takes slots and notes, in grant order, who got one."""

    order: list[str] = field(default_factory=list)

    async def take(self, budget: RequestBudget, lane: Lane, name: str = "") -> None:
        """Wait for a slot, note ``name`` (default the lane's), give it back."""
        async with budget.slot(lane):
            self.order.append(name or lane.name)

    async def take_times(self, budget: RequestBudget, lane: Lane, times: int) -> None:
        """Take ``times`` slots one after another."""
        for _ in range(times):
            await self.take(budget, lane)


@dataclass
class HeldSlot:
    """A caller that holds its slot until told to let go."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    let_go: asyncio.Event = field(default_factory=asyncio.Event)

    async def hold(self, budget: RequestBudget, lane: Lane = Lane.LIVE) -> None:
        """Take a slot, say so, and keep it until ``let_go`` is set."""
        async with budget.slot(lane):
            self.entered.set()
            await self.let_go.wait()
