"""Console settings changed through one ``zbsync run`` replica apply on another without a
restart (SPEC §9): auto sync off keeps new paid orders ``pending``, back on invoices them, and
a new label is used by the next invoice."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import WorkerProcess, eventually

AUTH = {"Authorization": "Bearer e2e-admin-token"}
LOOK_EVERY = {"ZBSYNC_SETTINGS_REFRESH": "0.2"}


def _api_url(worker: WorkerProcess) -> str:
    [listening] = [e for e in worker.events() if e.get("event") == "admin api listening"]
    return str(listening["url"])


def _applied(worker: WorkerProcess, *, auto_sync: bool) -> bool:
    return any(
        e.get("event") == "console settings applied" and e.get("auto_sync") is auto_sync
        for e in worker.events()
    )


def _decided(worker: WorkerProcess, order_ids: set[str], step: str) -> set[str]:
    return {
        str(e["order_id"])
        for e in worker.events()
        if e.get("event") == "decided" and e.get("step") == step and e.get("order_id") in order_ids
    }


async def _patch(stack: Stack, worker: WorkerProcess, body: dict[str, Any]) -> dict[str, Any]:
    async with stack.http.patch(f"{_api_url(worker)}/api/settings", json=body, headers=AUTH) as r:
        assert r.status == 200, await r.text()
        answer: dict[str, Any] = await r.json()
    return answer


async def test_auto_sync_and_a_label_changed_on_one_replica_apply_on_the_other(
    stack: Stack,
) -> None:
    first = await stack.start_worker(**LOOK_EVERY)
    second = await stack.start_worker(**LOOK_EVERY)

    answer = await _patch(stack, first, {"auto_sync": False})
    assert answer["restart_needed"] == []
    assert _applied(first, auto_sync=False)  # at once, on the replica that took the change

    async def second_off() -> bool:
        return _applied(second, auto_sync=False)

    await eventually(second_off, what="auto sync off on the second replica")
    waiting = {f"30{n}" for n in range(4)}
    for order_id in sorted(waiting):  # the broker hands them to both replicas in turn
        await stack.paid(order_data(order_id))

    async def all_pending() -> bool:
        return all([await stack.state(order_id) == "pending" for order_id in waiting])

    await eventually(all_pending, what="every order pending")
    assert await stack.calls("invoices.create") == []
    assert _decided(second, waiting, "settle")  # the second replica left some pending itself

    await _patch(stack, first, {"auto_sync": True, "shipping_label": "Spedizione"})

    async def second_on() -> bool:
        return _applied(second, auto_sync=True)

    await eventually(second_on, what="auto sync on on the second replica")
    fresh = {"3010", "3011"}
    for order_id in sorted(fresh):
        await stack.paid(order_data(order_id))

    async def all_synced() -> bool:
        return all([await stack.state(order_id) == "synced" for order_id in waiting | fresh])

    await eventually(all_synced, what="every order invoiced")
    invoices = (await stack.books())["invoices"]
    assert sorted(i["reference_number"] for i in invoices) == sorted(
        f"ORD-{order_id}" for order_id in waiting | fresh
    )
    for invoice in invoices:
        assert "Spedizione" in {line["name"] for line in invoice["line_items"]}
    assert len(await stack.calls("invoices.create")) == len(waiting | fresh)
    assert _decided(second, waiting | fresh, "create")  # the second replica writes again
    assert (await first.stop(), await second.stop()) == (0, 0)
