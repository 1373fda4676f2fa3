"""A running ``zbsync run`` serves ``/metrics`` and ``/readyz``: after an order is invoiced
the named families carry it, and readiness follows the Zoho connection (disconnected:
not ready; connected again: ready)."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import WorkerProcess, eventually
from worker.domain.readiness import NOT_CONNECTED

AUTH = {"Authorization": "Bearer e2e-admin-token"}
PUBLIC = "http://zbsync.invalid"  # the sandbox accepts any redirect URI; the test follows it
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _api_url(worker: WorkerProcess) -> str:
    [listening] = [e for e in worker.events() if e.get("event") == "admin api listening"]
    return str(listening["url"])


async def _scrape(stack: Stack, base: str) -> Samples:
    async with stack.http.get(f"{base}/metrics") as resp:  # no token: like /healthz
        assert resp.status == 200
        text = await resp.text()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _sum(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


async def _ready(stack: Stack, base: str) -> tuple[int, dict[str, Any]]:
    async with stack.http.get(f"{base}/readyz") as resp:
        body: dict[str, Any] = await resp.json()
        return resp.status, body


async def _connect(stack: Stack, base: str) -> None:
    """The consent flow through the running worker, as a browser follows it."""
    async with stack.http.get(f"{base}/oauth/connect", headers=AUTH, allow_redirects=False) as resp:
        assert resp.status == 302
        cookie = resp.cookies["zbsync_oauth_state"].value
        authorize = resp.headers["Location"]
    async with stack.http.get(authorize, allow_redirects=False) as resp:
        back = resp.headers["Location"]
    callback = base + back.removeprefix(PUBLIC)
    headers = {"Cookie": f"zbsync_oauth_state={cookie}"}
    async with stack.http.get(callback, headers=headers) as resp:
        assert resp.status == 200, await resp.text()


async def test_metrics_and_readiness_of_a_running_worker(stack: Stack) -> None:
    worker = await stack.start_worker(ZBSYNC_PUBLIC_URL=PUBLIC)
    base = _api_url(worker)
    assert await _ready(stack, base) == (
        200,
        {"ready": True, "checks": {n: {"ok": True} for n in ("broker", "database", "zoho")}},
    )
    await stack.paid(order_data("1301"))

    async def synced() -> bool:
        return await stack.state("1301") == "synced"

    await eventually(synced, what="order invoiced")

    samples: Samples = {}

    async def scraped_synced() -> bool:  # orders by state are cached for a few seconds
        nonlocal samples
        samples = await _scrape(stack, base)
        return _sum(samples, "zbsync_orders", state="synced") == 1

    await eventually(scraped_synced, what="orders by state counting the invoiced order")
    assert _sum(samples, "zbsync_events_total", type="order.paid", outcome="stored") >= 1
    assert _sum(samples, "zbsync_zoho_calls_total", endpoint="invoices.create") == 1
    assert _sum(samples, "zbsync_zoho_call_seconds_count", endpoint="invoices.create") == 1
    assert _sum(samples, "zbsync_zoho_token_refreshes_total", outcome="minted") >= 1
    assert _sum(samples, "zbsync_event_to_invoice_seconds_count", lane="LIVE") == 1
    assert _sum(samples, "zbsync_orders", state="failed") == 0
    day_left = _sum(samples, "zbsync_zoho_budget_left", window="day")
    day_limit = _sum(samples, "zbsync_zoho_budget_limit", window="day")
    assert 0 < day_left < day_limit  # the calls made so far are counted
    assert _sum(samples, "zbsync_dead_lettered_total") == 0
    assert _sum(samples, "zbsync_zoho_connection", state="connected") == 1

    await stack.publish(b'{"id": "trunc', routing_key="order.paid")  # not an order event

    async def dead_letter_counted() -> bool:  # the queue's depth is cached like the orders
        nonlocal samples
        samples = await _scrape(stack, base)
        return _sum(samples, "zbsync_dead_letter_queue_messages") == 1

    await eventually(dead_letter_counted, what="the dead-letter queue's depth")
    assert _sum(samples, "zbsync_dead_lettered_total", reason="invalid_json") == 1

    async with stack.http.delete(f"{base}/api/connection", headers=AUTH) as resp:
        assert resp.status == 200, await resp.text()
    status, body = await _ready(stack, base)
    assert (status, body["ready"]) == (503, False)
    assert body["checks"]["zoho"] == {"ok": False, "reason": NOT_CONNECTED}
    assert body["checks"]["broker"] == body["checks"]["database"] == {"ok": True}

    await _connect(stack, base)

    async def ready() -> bool:  # the first reconnect may reload the replica (same port)
        try:
            return (await _ready(stack, base))[0] == 200
        except OSError:
            return False

    await eventually(ready, what="ready again after reconnecting")
    assert await worker.stop() == 0
