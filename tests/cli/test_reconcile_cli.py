"""``zbsync reconcile`` as a process: one manual pass under the reconciler's leader lease."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from tests.support.orders import event, order_data
from worker.clock import SystemClock
from worker.domain.connection import StoredConnection
from worker.store.audit import AuditTrail
from worker.store.leases import Leases
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.sync.intake import take_in

ORG = "20061234567"  # the sandbox's organization
LEASE = f"reconciler:{ORG}"


@pytest.fixture
def env(shell_env: dict[str, str]) -> dict[str, str]:
    """A shell's settings for this test's database and sandbox, as ``zbsync run`` needs them."""
    return shell_env | {
        "ZBSYNC_ZOHO_ORGANIZATION_ID": ORG,
        "ZBSYNC_ADMIN_TOKEN": "t",
        "ZBSYNC_AUTO_SYNC": "false",
    }


async def _reconcile(env: dict[str, str]) -> tuple[int, str, str]:
    run = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "worker", "reconcile", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await run.communicate()
    assert run.returncode is not None
    return run.returncode, out.decode(), err.decode()


async def test_reconcile_says_so_and_fails_while_another_replica_runs_a_pass(
    env: dict[str, str], mongo_db: Database, connected: StoredConnection
) -> None:
    paid = event("order.paid", order_data("1001"))
    now = SystemClock().now_ms()
    await take_in(OrderRepository(mongo_db), AuditTrail(mongo_db), paid, now, "test")
    leases = Leases(mongo_db)
    assert await leases.acquire(LEASE, "replica-b", 60_000, now) is not None

    code, out, err = await _reconcile(env)

    assert (code, out) == (1, "")
    assert err.strip() == (
        "zbsync reconcile: a reconciler pass is running; try again when it has ended"
    )
    record = await OrderRepository(mongo_db).load("1001")
    assert record is not None
    assert record.state == "pending"

    await leases.release(LEASE, "replica-b")
    code, out, err = await _reconcile(env)

    assert code == 0, err
    summary = json.loads(out)
    assert (summary["manual"], summary["found"], summary["synced"]) == (True, 1, 1)
