"""Manual passes take the reconciler's leader lease, as periodic ones do (SPEC §6: a pass runs on
exactly one replica): replicas are owners of the same lease in MongoDB."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from worker.clock import SystemClock
from worker.reconcile.passes import PassSummary
from worker.reconcile.runner import PassRunning, Reconciler
from worker.store.leases import Leases
from worker.store.reconciler import ReconcilerStore

ORG = "20061234567"
LEASE = f"reconciler:{ORG}"


class HeldPass:
    """A pass that runs until the test lets it end (to look at the lease meanwhile)."""

    def __init__(self) -> None:
        self.started, self.finish = asyncio.Event(), asyncio.Event()

    async def run(self, *, manual: bool) -> PassSummary:
        """Wait for ``finish``; an empty summary."""
        self.started.set()
        await self.finish.wait()
        return PassSummary(ORG, SystemClock().now_ms(), manual, "held")


def _replica(harness: Harness, owner: str, held: HeldPass) -> Reconciler:
    store = ReconcilerStore(harness.db)
    return Reconciler(
        held, Leases(harness.db), store, SystemClock(), organization_id=ORG, owner=owner,
        interval_ms=600_000,
    )  # fmt: skip


async def test_a_manual_pass_is_refused_while_another_replica_leads(harness: Harness) -> None:
    await harness.receive(event("order.paid", order_data("1001")))
    other = await Leases(harness.db).acquire(LEASE, "replica-b", 60_000, SystemClock().now_ms())
    assert other is not None

    with pytest.raises(PassRunning):
        await harness.reconciler(owner="replica-a").run_now()

    assert await harness.calls("invoices.create") == []
    await Leases(harness.db).release(LEASE, "replica-b")
    summary = await harness.reconciler(owner="replica-a").run_now()
    assert (summary.manual, summary.found, summary.synced) == (True, 1, 1)


async def test_while_a_manual_pass_runs_no_other_pass_starts(harness: Harness) -> None:
    held = HeldPass()
    here, there = _replica(harness, "replica-a", held), _replica(harness, "replica-b", held)
    manual = asyncio.create_task(here.run_now())
    await held.started.wait()

    assert await there.tick() is None  # another replica's periodic pass
    assert await here.tick() is None  # this replica's own periodic pass
    with pytest.raises(PassRunning):
        await there.run_now()

    held.finish.set()
    assert (await manual).manual is True
    lease = await harness.db["leases"].find_one({"_id": LEASE})
    assert lease is not None
    assert int(lease["until_ms"]) == 0  # released
    held.finish.clear()
    held.started.clear()
    periodic = asyncio.create_task(there.tick())
    await held.started.wait()
    with pytest.raises(PassRunning):  # and a running periodic pass refuses a manual one
        await here.run_now()
    held.finish.set()
    summary = await periodic
    assert summary is not None
    assert summary.manual is False
