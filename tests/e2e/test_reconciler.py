"""Periodic reconciler passes across two ``zbsync run`` processes: one at a time, always one."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from typing import Any

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import WorkerProcess, eventually
from worker.clock import SystemClock
from worker.store.reconciler import ReconcilerStore

FAST = {"ZBSYNC_RECONCILE_INTERVAL": "0.5"}


def _replica(worker: WorkerProcess) -> str:
    return next(str(e["replica"]) for e in worker.events() if e.get("event") == "worker started")


async def _passes(stack: Stack) -> list[dict[str, Any]]:
    passes = await ReconcilerStore(stack.db).passes("20061234567", limit=1000)
    return sorted(passes, key=lambda p: int(p["started_ms"]))


async def test_passes_never_overlap_and_a_killed_leader_is_replaced(stack: Stack) -> None:
    workers = [await stack.start_worker(**FAST), await stack.start_worker(**FAST)]

    async def several() -> bool:
        return len(await _passes(stack)) >= 4

    await eventually(several, what="four reconciler passes")
    last_owner = (await _passes(stack))[-1]["owner"]
    leader = next(w for w in workers if _replica(w) == last_owner)
    survivor = next(w for w in workers if w is not leader)
    await leader.kill()
    killed_at = SystemClock().now_ms()

    async def taken_over() -> bool:
        passes = await _passes(stack)
        return any(
            p["owner"] == _replica(survivor) and int(p["started_ms"]) > killed_at for p in passes
        )

    await eventually(taken_over, what="a pass by the surviving replica after the kill")
    passes = await _passes(stack)
    for earlier, later in itertools.pairwise(passes):
        assert int(later["started_ms"]) >= int(earlier["ended_ms"]), (earlier, later)


async def test_a_periodic_pass_syncs_an_order_whose_event_never_came(stack: Stack) -> None:
    """The order is stored (as a restore or a failed delivery would leave it), never synced."""
    await stack.start_worker(**FAST, ZBSYNC_AUTO_SYNC="false")
    await stack.paid(order_data("6001"))

    async def pending() -> bool:
        return await stack.state("6001") == "pending"

    await eventually(pending, what="the order waiting while auto sync is off")
    assert await stack.calls("invoices.*") == []
    for worker in stack.workers:
        assert await worker.stop() == 0
    await stack.start_worker(**FAST)  # auto sync on again: the backlog is backfilled

    async def synced() -> bool:
        return await stack.state("6001") == "synced"

    await eventually(synced, what="the waiting order synced once auto sync is on")
    assert len((await stack.books())["invoices"]) == 1


async def test_zbsync_reconcile_runs_one_manual_pass_even_with_auto_sync_off(stack: Stack) -> None:
    worker = await stack.start_worker(ZBSYNC_AUTO_SYNC="false")
    await stack.paid(order_data("7001"))

    async def pending() -> bool:
        return await stack.state("7001") == "pending"

    await eventually(pending, what="the order waiting while auto sync is off")
    assert await worker.stop() == 0
    run = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        "reconcile",
        env={**stack.env, "ZBSYNC_AUTO_SYNC": "false"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await run.communicate()

    assert run.returncode == 0, err.decode()
    summary = json.loads(out)
    assert (summary["manual"], summary["found"], summary["synced"]) == (True, 1, 1)
    assert await stack.state("7001") == "synced"
    assert (await _passes(stack))[-1]["manual"] is True
