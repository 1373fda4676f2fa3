"""``zbsync sync ORDER_ID`` and ``zbsync delete ORDER_ID`` against the stored orders and the
sandbox, with auto sync off."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import eventually


async def _zbsync(stack: Stack, *argv: str) -> tuple[int, Any, str]:
    run = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        *argv,
        env={**stack.env, "ZBSYNC_AUTO_SYNC": "false"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await run.communicate()
    assert run.returncode is not None
    return run.returncode, json.loads(out) if out.strip() else None, err.decode()


async def test_sync_then_delete_one_order_by_hand(stack: Stack) -> None:
    worker = await stack.start_worker(ZBSYNC_AUTO_SYNC="false")
    await stack.paid(order_data("8001"))

    async def pending() -> bool:
        return await stack.state("8001") == "pending"

    async def token_refreshed() -> bool:
        # Stopped during its start-up token refresh, a worker leaves the shared refresh lease
        # to expire (30 s) before the command's own refresh; not what this test is about.
        return any(e.get("event") == "zoho access token refreshed" for e in worker.events())

    await eventually(pending, what="the order waiting while auto sync is off")
    await eventually(token_refreshed, what="the worker's first token refresh")
    assert await worker.stop() == 0

    code, body, err = await _zbsync(stack, "sync", "8001")
    assert code == 0, err
    assert (body["carried_out"], body["order"]["state"]) == (True, "synced")
    assert len(await stack.calls("invoices.create")) == 1

    code, body, err = await _zbsync(stack, "delete", "8001")
    assert code == 0, err
    assert body["order"]["state"] == "deleted"
    assert (await stack.books())["invoices"] == []

    code, body, err = await _zbsync(stack, "delete", "8001")
    assert (code, body) == (1, None)
    assert "no invoice" in err
    code, _, err = await _zbsync(stack, "sync", "nope")
    assert code == 1
    assert "no order nope" in err
