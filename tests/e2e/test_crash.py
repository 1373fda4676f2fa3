"""A worker killed at any step of the create path, then replaced: still exactly one invoice."""

from __future__ import annotations

import signal

import pytest

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import eventually
from worker.sync.crash import STEPS


@pytest.mark.parametrize("step", sorted(STEPS))
async def test_a_crash_at_any_step_of_the_create_path_still_gives_one_invoice(
    stack: Stack, step: str
) -> None:
    crashing = await stack.start_worker(ZBSYNC_TEST_CRASH_AT=step)
    await stack.paid(order_data("5001"))
    assert await crashing.wait() == -signal.SIGKILL

    await stack.start_worker()

    async def synced() -> bool:
        return await stack.state("5001") == "synced"

    await eventually(synced, what=f"order synced after a crash at {step}")
    [invoice] = (await stack.books())["invoices"]
    created = [c for c in await stack.calls("invoices.create") if c["status"] == 201]
    assert len(created) == 1
    assert invoice["reference_number"] == "ORD-5001"
    record = await stack.order("5001")
    assert record is not None
    assert record.invoice is not None
    assert record.invoice.invoice_id == invoice["invoice_id"]
    assert record.intent is None
