"""Reconciler passes (SPEC §6) against the sandbox, MongoDB and a scripted shop feed."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.fake_feed import FakeFeed, serving_feed
from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from tests.support.zoho_fixtures import Grant
from worker.clock import SystemClock
from worker.domain.scopes import REQUIRED_SCOPES
from worker.store.connection import ConnectionRepository
from worker.store.reconciler import ReconcilerStore
from worker.sync.policy import SyncPolicy


async def _add_tax(harness: Harness, name: str, percentage: str) -> None:
    url = f"{harness.sandbox.origin}/_sandbox/books/taxes"
    async with harness.http.post(url, json={"tax_name": name, "tax_percentage": percentage}) as r:
        assert r.status in (200, 201), await r.text()


async def test_a_paid_order_the_worker_never_worked_on_is_synced(harness: Harness) -> None:
    await harness.receive(event("order.paid", order_data("1001")))  # stored, never synced

    summary = await harness.reconcile_pass().run(manual=False)

    record = await harness.orders.load("1001")
    assert record is not None
    assert record.state == "synced"
    assert (summary.found, summary.synced, summary.failed) == (1, 1, 0)
    assert len((await harness.books())["invoices"]) == 1


async def test_events_dropped_before_the_queue_are_recovered_from_the_feed(
    harness: Harness,
) -> None:
    feed = FakeFeed(pages=[[order_data("2001")], [order_data("2002"), {"id": "broken"}]])
    async with serving_feed(feed) as url:
        summary = await harness.reconcile_pass(feed_url=url).run(manual=False)

    references = sorted(i["reference_number"] for i in (await harness.books())["invoices"])
    assert references == ["ORD-2001", "ORD-2002"]
    assert (summary.feed_orders, summary.feed_invalid, summary.synced) == (2, 1, 2)
    state = await ReconcilerStore(harness.db).state("20061234567")
    assert state["watermark_ms"] == summary.started_ms - 600_000
    assert feed.requests[0].param("paid_since") is not None


async def test_a_feed_error_leaves_the_watermark_where_it_was(harness: Harness) -> None:
    store = ReconcilerStore(harness.db)
    await store.set_state("20061234567", watermark_ms=1_700_000_000_000)
    feed = FakeFeed(pages=[[order_data("2001")]], status={1: 500})

    async with serving_feed(feed) as url:
        summary = await harness.reconcile_pass(feed_url=url).run(manual=False)

    assert summary.feed_error is not None
    assert (await store.state("20061234567"))["watermark_ms"] == 1_700_000_000_000
    assert feed.requests[0].param("paid_since") == "2023-11-14T22:13:20Z"
    assert (await harness.books())["invoices"] == []


async def test_a_failed_order_is_retried_only_when_due(harness: Harness) -> None:
    await harness.receive(event("order.paid", order_data("1001")))
    await harness.receive(event("order.paid", order_data("1002")))
    now = SystemClock().now_ms()
    await harness.orders.change(
        "1001", lambda r: r and r.replace(state="failed", due_at_ms=now - 1)
    )
    await harness.orders.change(
        "1002", lambda r: r and r.replace(state="failed", due_at_ms=now + 3_600_000)
    )

    summary = await harness.reconcile_pass().run(manual=False)

    assert summary.found == 1
    states = [(await harness.orders.load(i)) for i in ("1001", "1002")]
    assert [s.state if s else None for s in states] == ["synced", "failed"]


async def test_an_order_stuck_in_a_dead_replicas_lease_is_resumed(harness: Harness) -> None:
    await harness.receive(event("order.paid", order_data("1001")))
    expired = SystemClock().now_ms() - 1
    await harness.orders.change(
        "1001",
        lambda r: r and r.replace(state="syncing", lease_owner="dead", lease_until_ms=expired),
    )

    await harness.reconcile_pass().run(manual=False)

    record = await harness.orders.load("1001")
    assert record is not None
    assert record.state == "synced"


AUTO_SYNC_OFF = SyncPolicy(auto_sync=False, list_lag_wait_ms=0)


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_with_auto_sync_off_a_pass_writes_nothing_but_reads_the_setup(
    harness: Harness,
) -> None:
    await harness.receive(event("order.paid", order_data("1001")))

    summary = await harness.reconcile_pass(auto_sync=False).run(manual=False)

    assert summary.found == 0
    assert await harness.calls("invoices.*") == []
    assert await harness.calls("contacts.*") == []
    assert len(await harness.calls("taxes.list")) == 1


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_a_manual_pass_runs_with_auto_sync_off(harness: Harness) -> None:
    await harness.receive(event("order.paid", order_data("1001")))

    summary = await harness.reconcile_pass(auto_sync=False).run(manual=True)

    assert (summary.found, summary.synced) == (1, 1)
    assert len(await harness.calls("invoices.create")) == 1


async def test_a_new_tax_in_zoho_unblocks_orders_waiting_for_it(harness: Harness) -> None:
    nineteen = order_data(
        "1001",
        lines=[{"name": "Stollen", "quantity": 1, "unit_price": "10.00", "tax_rate": "19"}],
        discounts=[],
        shipping=None,
        total="11.90",
    )
    blocked = await harness.deliver(event("order.paid", nineteen))
    assert blocked.state == "needs_attention"
    assert blocked.reason_from_config
    await harness.reconcile_pass().run(manual=False)  # learns the current setup
    await _add_tax(harness, "MwSt 19%", "19")

    summary = await harness.reconcile_pass().run(manual=False)

    record = await harness.orders.load("1001")
    assert record is not None
    assert summary.requeued == 1
    assert record.state == "synced"


async def test_orders_a_refused_scope_held_are_queued_again_once_the_admin_reconnects(
    harness: Harness, grant: Grant, connections: ConnectionRepository
) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    await grant([s for s in REQUIRED_SCOPES if s != "ZohoBooks.invoices.DELETE"])
    held = await harness.deliver(event("order.deleted", {"id": "1001"}, minutes=5))
    assert held.state == "needs_attention"  # Zoho's code 57: connect again granting it
    await harness.reconcile_pass(connections=connections).run(manual=False)
    still = await harness.orders.load("1001")
    assert still is not None
    assert still.state == "needs_attention"  # a pass alone changes nothing

    await grant(REQUIRED_SCOPES)  # the admin connects again from the console
    summary = await harness.reconcile_pass(connections=connections).run(manual=False)

    record = await harness.orders.load("1001")
    assert record is not None
    assert summary.requeued == 1
    assert record.state == "deleted"
    assert (await harness.books())["invoices"] == []


async def test_a_pass_racing_live_events_creates_no_duplicate(harness: Harness) -> None:
    orders = [order_data(str(3000 + n), customer={"email": f"c{n}@example.com"}) for n in range(6)]
    for data in orders:
        await harness.receive(event("order.paid", data))

    await asyncio.gather(
        harness.reconcile_pass(owner="b").run(manual=True),
        *(harness.service.sync(data["id"]) for data in orders),
    )

    references = [i["reference_number"] for i in (await harness.books())["invoices"]]
    assert sorted(references) == sorted(f"ORD-{d['id']}" for d in orders)
    creates = [c for c in await harness.calls("invoices.create") if c["status"] == 201]
    assert len(creates) == len(orders)
