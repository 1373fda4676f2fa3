"""Orders, invoice numbers, manual Generate / Delete and a reconciler pass over HTTP."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.api.conftest import Api
from tests.support.orders import event, order_data
from worker.clock import SystemClock
from worker.store.leases import Leases
from worker.sync.policy import SyncPolicy

AUTO_SYNC_OFF = SyncPolicy(auto_sync=False, list_lag_wait_ms=0)


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_generate_with_auto_sync_off_creates_exactly_one_invoice(api: Api) -> None:
    await api.harness.deliver(event("order.paid", order_data("1001")))

    status, body = await api.call("POST", "/api/orders/1001/invoice")

    assert status == 200
    assert body["carried_out"] is True
    assert body["order"]["state"] == "synced"
    assert len(await api.harness.calls("invoices.create")) == 1
    [invoice] = (await api.harness.books())["invoices"]
    assert body["order"]["invoice"]["number"] == invoice["invoice_number"]
    status, again = await api.call("POST", "/api/orders/1001/invoice")
    assert (status, again["order"]["state"]) == (200, "synced")
    assert len(await api.harness.calls("invoices.create")) == 1  # the same invoice, not another


async def test_delete_removes_the_draft(api: Api) -> None:
    await api.harness.deliver(event("order.paid", order_data("1001")))

    status, body = await api.call("DELETE", "/api/orders/1001/invoice")

    assert (status, body["order"]["state"]) == (200, "deleted")
    assert body["order"]["invoice"] is None
    assert (await api.harness.books())["invoices"] == []
    assert len(await api.harness.calls("invoices.delete")) == 1


async def test_one_order_with_its_invoice_and_audit_trail(api: Api) -> None:
    record = await api.harness.deliver(event("order.paid", order_data("1001")))
    assert record.invoice is not None

    status, body = await api.call("GET", "/api/orders/1001")

    assert status == 200
    assert {k: body[k] for k in ("id", "number", "state", "revision")} == {
        "id": "1001", "number": "#1001", "state": "synced", "revision": 1,
    }  # fmt: skip
    invoice = body["invoice"]
    assert (invoice["id"], invoice["number"], invoice["status"]) == (
        record.invoice.invoice_id, record.invoice.invoice_number, "draft",
    )  # fmt: skip
    assert Decimal(invoice["total"]) == Decimal("45.20")  # money as text
    assert (body["reason"], body["next_attempt_at"]) == (None, None)
    assert [e["kind"] for e in body["audit"]][-1] == "event"  # newest first
    assert all(e["at"].endswith("Z") for e in body["audit"])


async def test_invoice_numbers_for_a_shop_list(api: Api) -> None:
    record = await api.harness.deliver(event("order.paid", order_data("1001")))
    await api.harness.receive(event("order.updated", order_data("1002", status="pending")))
    assert record.invoice is not None

    status, body = await api.call(
        "GET", "/api/invoice-numbers", params=[("order_id", "1001"), ("order_id", "1002"),
                                               ("order_id", "unknown")]
    )  # fmt: skip

    assert status == 200
    assert body == {"1001": record.invoice.invoice_number, "1002": None, "unknown": None}


async def test_orders_come_in_pages_with_a_cursor(api: Api) -> None:
    for n in range(3):
        await api.harness.receive(event("order.updated", order_data(f"10{n}", status="pending")))

    seen: list[str] = []
    path = "/api/orders?limit=2"
    while True:
        status, body = await api.call("GET", path)
        assert status == 200
        seen += [o["id"] for o in body["orders"]]
        if body["next_cursor"] is None:
            break
        path = f"/api/orders?limit=2&cursor={body['next_cursor']}"
    assert sorted(seen) == ["100", "101", "102"]
    assert len(seen) == 3
    status, body = await api.call("GET", "/api/orders?state=received&q=101")
    assert [o["id"] for o in body["orders"]] == ["101"]


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_reconcile_runs_a_pass_now(api: Api) -> None:
    await api.harness.receive(event("order.paid", order_data("1001")))

    status, body = await api.call("POST", "/api/reconcile")

    assert status == 200
    assert (body["manual"], body["found"], body["synced"]) == (True, 1, 1)
    assert len(await api.harness.calls("invoices.create")) == 1


async def test_reconcile_answers_409_while_another_replica_runs_a_pass(api: Api) -> None:
    await api.harness.receive(event("order.paid", order_data("1001")))
    lease, now = "reconciler:20061234567", SystemClock().now_ms()
    assert await Leases(api.harness.db).acquire(lease, "replica-b", 60_000, now) is not None

    status, body = await api.call("POST", "/api/reconcile")

    assert (status, body["error"]["code"]) == (409, "reconcile_running")
    assert await api.harness.calls("invoices.create") == []


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_generate_with_a_snapshot_stores_it_first_when_newer(api: Api) -> None:
    status, body = await api.call(
        "POST", "/api/orders/2001/invoice", json=order_data("2001", revision=2)
    )
    assert (status, body["snapshot"], body["order"]["state"]) == (200, "stored", "synced")
    assert body["order"]["revision"] == 2

    status, body = await api.call(
        "POST", "/api/orders/2001/invoice", json=order_data("2001", revision=1, number="#old")
    )

    assert (status, body["snapshot"], body["order"]["number"]) == (200, "stale", "#2001")
    assert len(await api.harness.calls("invoices.create")) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (json.dumps(order_data("9999")).encode(), "id"),
        (json.dumps(order_data("1001", currency="euro")).encode(), "currency"),
    ],
)
async def test_a_bad_snapshot_is_400_naming_the_field(api: Api, body: bytes, field: str) -> None:
    await api.harness.receive(event("order.paid", order_data("1001")))

    status, answer = await api.call("POST", "/api/orders/1001/invoice", data=body)

    assert (status, answer["error"]["code"]) == (400, "bad_input")
    assert answer["error"]["message"].startswith(f"{field}:")
    assert await api.harness.calls("invoices.*") == []
