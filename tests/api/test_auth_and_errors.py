"""Every ``/api`` route refuses requests without the admin token; errors have one shape."""

from __future__ import annotations

import pytest

from tests.api.conftest import ADMIN_TOKEN, Api
from tests.support.memory_stores import MemoryOrders
from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from worker.api import ApiServices, build_app, serve
from worker.api.app import ROUTES
from worker.sync.manual import ManualActions
from worker.sync.records import OrderRecord, PageMark

API_ROUTES = [(r.method, r.path.replace("{order_id}", "1001")) for r in ROUTES
              if r.path.startswith("/api/")]  # fmt: skip
WRONG = {
    "missing": {},
    "wrong token": {"Authorization": "Bearer not-the-token"},
    "wrong scheme": {"Authorization": f"Basic {ADMIN_TOKEN}"},
    "token alone": {"Authorization": ADMIN_TOKEN},
}


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
async def test_every_api_route_answers_401_without_the_token(
    api: Api, method: str, path: str
) -> None:
    await api.harness.deliver(event("order.paid", order_data("1001")))
    calls_before = len(await api.harness.calls())
    for headers in WRONG.values():
        status, body = await api.call(method, path, headers=headers)
        assert (status, body["error"]["code"]) == (401, "unauthorized")
    assert len(await api.harness.calls()) == calls_before  # nothing reached Zoho


async def test_healthz_answers_without_a_token(api: Api) -> None:
    assert await api.call("GET", "/healthz", headers={}) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/orders?limit=0", "limit"),
        ("/api/orders?limit=many", "limit"),
        ("/api/orders?limit=201", "limit"),
        ("/api/orders?state=lost", "state"),
        ("/api/orders?cursor=not-a-cursor", "cursor"),
        ("/api/invoice-numbers", "order_id"),
    ],
)
async def test_bad_input_is_400_naming_the_field(api: Api, path: str, field: str) -> None:
    status, body = await api.call("GET", path)
    assert (status, body["error"]["code"]) == (400, "bad_input")
    assert body["error"]["message"].startswith(f"{field}:")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/orders/nope"),
        ("POST", "/api/orders/nope/invoice"),
        ("DELETE", "/api/orders/nope/invoice"),
    ],
)
async def test_an_unknown_order_is_404(api: Api, method: str, path: str) -> None:
    status, body = await api.call(method, path)
    assert (status, body["error"]["code"]) == (404, "unknown_order")


async def test_actions_not_allowed_in_the_state_are_409(api: Api) -> None:
    await api.harness.receive(event("order.paid", order_data("1001")))
    status, body = await api.call("DELETE", "/api/orders/1001/invoice")
    assert (status, body["error"]["code"]) == (409, "not_allowed")
    assert "no invoice" in body["error"]["message"]
    await api.harness.receive(event("order.deleted", order_data("1001", revision=2), minutes=1))
    status, body = await api.call("POST", "/api/orders/1001/invoice")
    assert (status, body["error"]["message"]) == (409, "the order is deleted")
    assert await api.harness.calls("invoices.*") == []


async def test_an_unknown_route_answers_in_the_error_shape(api: Api) -> None:
    status, body = await api.call("GET", "/api/nothing-here")
    assert (status, body["error"]["code"]) == (404, "not_found")


class _BrokenOrders(MemoryOrders):
    async def page(
        self, *, state: str | None, search: str | None, after: PageMark | None, limit: int
    ) -> list[OrderRecord]:
        raise RuntimeError("the database went away")


async def test_an_unexpected_failure_is_500_in_the_error_shape(harness: Harness) -> None:
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    parts = ApiServices(_BrokenOrders(), harness.audit, manual, None)
    runner = await serve(build_app(parts, ADMIN_TOKEN), "127.0.0.1", 0, grace_seconds=5)
    host, port = runner.addresses[0][:2]
    try:
        api = Api(f"http://{host}:{port}", harness.http, harness)
        status, body = await api.call("GET", "/api/orders")
    finally:
        await runner.cleanup()

    assert (status, body["error"]["code"]) == (500, "internal")
    assert "database" not in body["error"]["message"]  # details stay in the log
