"""Choosing the organization in the console reloads every ``zbsync run`` replica in its own
process (SPEC §9): the order that waited for an organization gets exactly one invoice, with no
process restarted; a SIGTERM while a replica reloads still stops it cleanly."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import WorkerProcess, eventually
from worker.app import RELOADING

AUTH = {"Authorization": "Bearer e2e-admin-token"}
LOOK_EVERY = {"ZBSYNC_SETTINGS_REFRESH": "0.2"}
ORG = "20061234567"  # the sandbox's organization


def _urls(worker: WorkerProcess) -> list[str]:
    """The admin API's address at each build of the replica."""
    return [str(e["url"]) for e in worker.events() if e.get("event") == "admin api listening"]


def _reloads(worker: WorkerProcess) -> list[list[str]]:
    return [list(e["settings"]) for e in worker.events() if e.get("event") == RELOADING]


def _started_with(worker: WorkerProcess, organization: str | None) -> bool:
    return any(
        e.get("event") == "worker started" and e.get("organization") == organization
        for e in worker.events()
    )


async def _settings(
    stack: Stack, worker: WorkerProcess, method: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    url = f"{_urls(worker)[-1]}/api/settings"
    async with stack.http.request(method, url, json=body, headers=AUTH) as resp:
        assert resp.status == 200, await resp.text()
        answer: dict[str, Any] = await resp.json()
    return answer


async def test_choosing_the_organization_reloads_every_replica_and_invoices_the_waiting_order(
    stack: Stack,
) -> None:
    del stack.env["ZBSYNC_ZOHO_ORGANIZATION_ID"]  # connected, no organization chosen yet
    first = await stack.start_worker(**LOOK_EVERY)
    second = await stack.start_worker(**LOOK_EVERY)
    await stack.paid(order_data("4001"))

    async def waiting() -> bool:
        return await stack.state("4001") == "pending"

    await eventually(waiting, what="the order waiting for an organization")

    answer = await _settings(stack, first, "PATCH", {"organization_id": ORG, "confirm": True})
    assert answer["settings"]["organization_id"] == {"value": ORG, "source": "console"}

    async def both_rebuilt() -> bool:
        return _started_with(first, ORG) and _started_with(second, ORG)

    await eventually(both_rebuilt, what="both replicas built again for the organization")
    assert _reloads(first) == [["organization_id"]]
    assert _reloads(second) == [["organization_id"]]

    async def invoiced() -> bool:
        return await stack.state("4001") == "synced"

    await eventually(invoiced, what="the waiting order invoiced")
    invoices = (await stack.books())["invoices"]
    assert [i["reference_number"] for i in invoices] == ["ORD-4001"]
    assert len(await stack.calls("invoices.create")) == 1
    for worker in (first, second):
        before, after = _urls(worker)
        assert before == after  # the API came back on the same port
        assert (await _settings(stack, worker, "GET"))["restart_needed"] == []
    assert (first.process.returncode, second.process.returncode) == (None, None)
    assert (await first.stop(), await second.stop()) == (0, 0)


async def test_a_sigterm_while_the_replica_reloads_stops_it_cleanly(stack: Stack) -> None:
    del stack.env["ZBSYNC_ZOHO_ORGANIZATION_ID"]
    worker = await stack.start_worker()

    # The replica took the change (and set about reloading) before it answered.
    await _settings(stack, worker, "PATCH", {"organization_id": ORG, "confirm": True})
    assert await worker.stop() == 0

    assert _reloads(worker) == [["organization_id"]]
    assert [e for e in worker.events() if e.get("event") == "stopped"]
    assert not [e for e in worker.events() if e.get("level") in {"error", "critical"}]
