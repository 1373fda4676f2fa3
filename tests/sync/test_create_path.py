"""Exactly-once on the create path under Zoho's real conditions (issue 8, SPEC §3).

Each test replays one way a second invoice could appear or an order get lost:
a budget wait between the stored intent and the request, a list that lags, a
lease that is taken over or whose renewal fails. The worker's clock is moved
by the test; the sandbox's list lag hides a fresh invoice until its own clock
is moved.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.support.hooked_books import HookedBooks
from tests.support.manual_clock import ManualClock
from tests.support.orders import event, order_data
from tests.support.shifted_clock import ShiftedClock
from tests.support.sync_harness import Harness, build_harness
from tests.support.zoho_fixtures import add_fault
from worker.domain.invoice_mapping import MappingSettings
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.sync.policy import SyncPolicy
from worker.sync.records import Intent, OrderRecord
from worker.zoho.http import ZohoHttp
from zoho_sandbox import RunningSandbox

LAG_MS = 30_000
POLICY = SyncPolicy(list_lag_wait_ms=LAG_MS, mapping=MappingSettings())


async def _nothing() -> None:
    return None


@pytest.fixture
def hooked(zoho_http: ZohoHttp) -> HookedBooks:
    """Books whose invoice creates run the test's hook first (none until set)."""
    return HookedBooks(zoho_http, _nothing)


async def _harness(
    mongo_db: Database,
    books: HookedBooks,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    **parts: Any,
) -> Harness:
    return await build_harness(mongo_db, books, http, sandbox, parts.pop("policy", POLICY), **parts)


async def _sandbox(harness: Harness, path: str, body: dict[str, Any]) -> None:
    url = f"{harness.sandbox.origin}/_sandbox/{path}"
    method = harness.http.patch if path == "config" else harness.http.post
    async with method(url, json=body) as resp:
        assert resp.status == 200, await resp.text()


async def _lagging_list(harness: Harness) -> None:
    """Zoho's list shows a new invoice only after 30 s (sandbox time)."""
    await _sandbox(harness, "config", {"list_lag": LAG_MS / 1000})


async def _list_catches_up(harness: Harness) -> None:
    await _sandbox(harness, "clock", {"advance": LAG_MS / 1000 + 1})


async def _creates(harness: Harness) -> int:
    return len(await harness.calls("invoices.create"))


async def _invoices(harness: Harness) -> list[dict[str, Any]]:
    invoices: list[dict[str, Any]] = (await harness.books())["invoices"]
    return invoices


async def _again(harness: Harness, order_id: str = "1001") -> OrderRecord:
    await harness.orders.change(order_id, lambda r: r and r.replace(due_at_ms=0))
    await harness.service.sync(order_id)
    record = await harness.orders.load(order_id)
    assert record is not None
    return record


async def test_after_a_budget_wait_the_lookup_waits_from_the_lost_answer(
    mongo_db: Database, hooked: HookedBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    clock = ShiftedClock()
    harness = await _harness(mongo_db, hooked, http, sandbox, clock=clock)
    await _lagging_list(harness)

    async def budget_wait() -> None:
        clock.advance(60_000)  # the intent is a minute old when the request leaves

    hooked.before_create = budget_wait
    await add_fault(http, sandbox, "invoices.create", "applied_then_500")
    first = await harness.deliver(event("order.paid", order_data()))
    assert first.state == "failed"
    hooked.before_create = _nothing

    clock.advance(LAG_MS - 10_000)  # past the intent's start + the wait, not past the answer's
    waiting = await _again(harness)
    assert waiting.state == "failed"
    assert "waiting for Zoho's list" in (waiting.reason or "")
    assert await _creates(harness) == 1

    clock.advance(10_000)
    await _list_catches_up(harness)
    done = await _again(harness)
    assert done.state == "synced"
    assert len(await _invoices(harness)) == 1
    assert await _creates(harness) == 1


async def test_an_intent_that_never_left_needs_no_wait(
    mongo_db: Database, hooked: HookedBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    harness = await _harness(mongo_db, hooked, http, sandbox)
    await harness.receive(event("order.paid", order_data()))
    now = harness.clock.now_ms()
    intent = Intent(organization_id="20061234567", reference="ORD-1001", started_ms=now)
    await harness.orders.change("1001", lambda r: r and r.replace(intent=intent))

    done = await _again(harness)  # e.g. the replica died before the request left

    assert done.state == "synced"
    assert done.intent is None
    assert await _creates(harness) == 1


async def test_the_lookup_uses_the_reference_the_lost_create_carried(
    mongo_db: Database, hooked: HookedBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    old_template = SyncPolicy(list_lag_wait_ms=0, mapping=MappingSettings("OLD-{id}"))
    before = await _harness(mongo_db, hooked, http, sandbox, policy=old_template)
    await add_fault(http, sandbox, "invoices.create", "applied_then_reset")
    assert (await before.deliver(event("order.paid", order_data()))).state == "failed"

    after = await _harness(mongo_db, hooked, http, sandbox, clock=before.clock)  # ORD-{id} now
    assert isinstance(before.clock, ShiftedClock)
    before.clock.advance(LAG_MS + POLICY.request_timeout_ms)
    done = await _again(after)

    assert done.state == "synced"  # the OLD-1001 invoice, adopted (and updated to ORD-1001)
    assert len(await _invoices(after)) == 1
    assert await _creates(after) == 1


async def test_a_new_holder_waits_from_the_previous_holders_lease_expiry(
    mongo_db: Database, hooked: HookedBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    clock = ShiftedClock()
    harness = await _harness(mongo_db, hooked, http, sandbox, clock=clock)
    await _lagging_list(harness)
    # Replica "dead" sent the create (Zoho made the invoice), then died holding the lease.
    await harness.receive(event("order.paid", order_data()))
    await add_fault(http, sandbox, "invoices.create", "applied_then_reset")
    await harness.service.sync("1001")
    assert await _creates(harness) == 1
    sent_ms = clock.now_ms()
    intent = Intent(
        organization_id="20061234567", reference="ORD-1001", started_ms=sent_ms, sent_ms=sent_ms
    )
    dead = {"lease_owner": "dead/1", "lease_until_ms": sent_ms + 30_000, "intent": intent}
    await harness.orders.change("1001", lambda r: r and r.replace(fence=r.fence + 1, **dead))

    clock.advance(30_000 + LAG_MS // 2)  # the lease ran out; the intent started long ago
    waiting = await _again(harness)
    assert waiting.state == "failed"
    assert await _creates(harness) == 1

    clock.advance(LAG_MS // 2)
    await _list_catches_up(harness)
    done = await _again(harness)
    assert done.state == "synced"
    assert len(await _invoices(harness)) == 1


async def test_a_create_does_not_leave_after_the_lease_was_taken_over(
    mongo_db: Database, hooked: HookedBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    clock = ShiftedClock()
    harness = await _harness(mongo_db, hooked, http, sandbox, clock=clock)

    async def taken_over() -> None:
        clock.advance(POLICY.lease_ttl_ms + 1)  # a long wait: the lease ran out ...
        await harness.orders.change(  # ... and another replica took the order
            "1001", lambda r: r and r.replace(lease_owner="b/1", fence=r.fence + 1)
        )

    hooked.before_create = taken_over
    await harness.deliver(event("order.paid", order_data()))

    assert await _creates(harness) == 0
    record = await harness.orders.load("1001")
    assert record is not None
    assert record.intent is not None
    assert record.intent.sent_ms is None  # nothing left: the new holder need not wait


class _FlakyOrders(OrderRepository):
    """Order writes that fail once when told to, like a MongoDB failover."""

    fail_next = False
    failed = asyncio.Event()

    async def change_fenced(self, *args: Any, **kwargs: Any) -> OrderRecord:
        if self.fail_next:
            self.fail_next = False
            self.failed.set()
            raise ConnectionError("primary stepped down")
        return await super().change_fenced(*args, **kwargs)


async def test_a_failed_lease_renewal_stops_the_pass_before_its_create(
    mongo_db: Database, hooked: HookedBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    clock = ManualClock(start_ms=ShiftedClock().now_ms())
    orders = _FlakyOrders(mongo_db)
    orders.failed = asyncio.Event()
    harness = await _harness(mongo_db, hooked, http, sandbox, clock=clock, orders=orders)

    async def renewal_fails() -> None:
        orders.fail_next = True
        clock.advance(POLICY.lease_ttl_ms // 3)  # the renewal task wakes and fails
        await orders.failed.wait()

    hooked.before_create = renewal_fails
    await harness.deliver(event("order.paid", order_data()))

    assert await _creates(harness) == 0
    record = await harness.orders.load("1001")
    assert record is not None
    assert record.due_at_ms is not None  # still due: another pass (any replica) goes on
