"""``zbsync run`` serves the admin API: health, and a manual Generate with auto sync off."""

from __future__ import annotations

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import WorkerProcess, eventually

AUTH = {"Authorization": "Bearer e2e-admin-token"}


def _api_url(worker: WorkerProcess) -> str:
    [listening] = [e for e in worker.events() if e.get("event") == "admin api listening"]
    return str(listening["url"])


async def test_a_running_worker_serves_the_api_and_generates_by_hand(stack: Stack) -> None:
    worker = await stack.start_worker(ZBSYNC_AUTO_SYNC="false")
    base = _api_url(worker)
    async with stack.http.get(f"{base}/healthz") as resp:
        assert resp.status == 200
    await stack.paid(order_data("1001"))

    async def pending() -> bool:
        return await stack.state("1001") == "pending"

    await eventually(pending, what="order pending")
    async with stack.http.post(f"{base}/api/orders/1001/invoice") as resp:
        assert resp.status == 401
    async with stack.http.post(f"{base}/api/orders/1001/invoice", headers=AUTH) as resp:
        assert resp.status in (200, 202)  # 202: the pass that left it pending still held it

    async def synced() -> bool:
        return await stack.state("1001") == "synced"

    await eventually(synced, what="invoice generated")
    assert len(await stack.calls("invoices.create")) == 1
    assert await worker.stop() == 0
