"""How a pass ends when the world moves under it (issue 8, items 4 and 8).

An event taken in while a pass runs must leave the order due even if the
replica dies right after the pass; an unexpected error must back off like a
transient one instead of being re-polled every second.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness, build_harness
from worker.domain.catalog import Catalog
from worker.domain.lanes import Lane
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.sync.policy import SyncPolicy
from worker.sync.records import OrderRecord
from worker.zoho.books import ZohoBooks
from zoho_sandbox import RunningSandbox

Hook = Callable[[int], Awaitable[None]]


class _HookedOrders(OrderRepository):
    """Runs the test's hook before each fenced write (the lease holder's writes), numbered."""

    hook: Hook | None = None
    writes = 0

    async def change_fenced(self, *args: Any, **kwargs: Any) -> OrderRecord:
        self.writes += 1
        if self.hook is not None:
            await self.hook(self.writes)
        return await super().change_fenced(*args, **kwargs)


@pytest.mark.parametrize(
    ("first", "meanwhile"),
    [
        (("order.updated", "pending"), ("order.paid", "paid")),
        (("order.paid", "paid"), ("order.updated", "paid")),
        (("order.paid", "paid"), ("order.deleted", "paid")),
    ],
)
async def test_an_event_taken_in_during_a_pass_keeps_the_order_due_past_a_crash(
    mongo_db: Database,
    books: ZohoBooks,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    sync_policy: SyncPolicy,
    first: tuple[str, str],
    meanwhile: tuple[str, str],
) -> None:
    orders = _HookedOrders(mongo_db)
    harness = await build_harness(mongo_db, books, http, sandbox, sync_policy, orders=orders)
    await harness.receive(event(first[0], order_data(revision=1, status=first[1])))
    left_behind: list[OrderRecord] = []

    async def hook(write: int) -> None:
        if write == 1:  # the pass's first write: the newer event arrives now
            await harness.receive(event(meanwhile[0], order_data(revision=2, status=meanwhile[1])))
            return
        record = await orders.load("1001")
        if not left_behind and record is not None and record.applied_seq == 1:
            left_behind.append(record)  # the first pass finished: a crash now leaves this

    orders.hook = hook
    await harness.service.sync("1001")

    crashed = left_behind[0]
    now = harness.clock.now_ms()
    visible = crashed.due_at_ms is not None or "1001" in await orders.missing(0, now)
    assert visible, f"neither due nor found by the reconciler: {crashed.state}"
    assert crashed.due_at_ms is not None
    assert crashed.due_at_ms <= now


class _BrokenCatalog:
    """A catalog read that fails in a way nobody foresaw."""

    async def get(self, lane: Lane) -> Catalog:
        raise KeyError("tax_percentage")


async def test_an_unexpected_error_fails_the_order_with_backoff_and_counts_attempts(
    mongo_db: Database,
    books: ZohoBooks,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    sync_policy: SyncPolicy,
) -> None:
    harness = await build_harness(
        mongo_db, books, http, sandbox, sync_policy, catalogs=_BrokenCatalog()
    )
    first = await harness.deliver(event("order.paid", order_data()))
    now = harness.clock.now_ms()
    assert first.state == "failed"
    assert first.attempts == 1
    assert "KeyError" in (first.last_error or "")
    assert first.due_at_ms is not None
    assert first.due_at_ms > now
    assert await harness.orders.due(now, limit=100) == []  # not re-polled at once

    second = await _again(harness)
    assert second.attempts == 2
    assert second.lease_owner is None  # released: any replica can try later


async def _again(harness: Harness) -> OrderRecord:
    await harness.orders.change("1001", lambda r: r and r.replace(due_at_ms=0))
    await harness.service.sync("1001")
    record = await harness.orders.load("1001")
    assert record is not None
    return record
