"""The catalog is read from Zoho once and shared by every replica (issue 10, item 3)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from tests.support.shifted_clock import ShiftedClock
from worker.domain.lanes import Lane
from worker.store.catalogs import CatalogStore
from worker.store.mongo import Database
from worker.sync.catalog_cache import LOCAL_TTL_MS, STALE_MS, CatalogCache
from worker.zoho.books import ZohoBooks
from zoho_sandbox import RunningSandbox

LIVE = Lane.LIVE
CATALOG_CALLS = ("organizations.get", "taxes.list", "currencies.list")


async def _catalog_calls(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> int:
    async with http.get(f"{sandbox.origin}/_sandbox/calls") as resp:
        calls: list[dict[str, Any]] = (await resp.json())["calls"]
    return sum(call["request_class"] in CATALOG_CALLS for call in calls)


async def test_replicas_share_one_read_of_the_catalog(
    books: ZohoBooks, mongo_db: Database, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    clock = ShiftedClock()
    shared = CatalogStore(mongo_db)
    first, second, third = (CatalogCache(books, shared, clock) for _ in range(3))

    catalog = await first.get(LIVE)
    assert await _catalog_calls(http, sandbox) == 3
    assert await second.get(LIVE) == catalog
    assert await third.get(LIVE) == catalog
    assert await _catalog_calls(http, sandbox) == 3  # the other replicas asked MongoDB


async def test_a_reconciler_refresh_reaches_the_other_replicas_without_a_call(
    books: ZohoBooks, mongo_db: Database, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    clock = ShiftedClock()
    shared = CatalogStore(mongo_db)
    reconciler, replica = CatalogCache(books, shared, clock), CatalogCache(books, shared, clock)
    await replica.get(LIVE)
    async with http.post(
        f"{sandbox.origin}/_sandbox/books/taxes", json={"tax_name": "VAT 5", "tax_percentage": 5}
    ) as resp:
        assert resp.status in (200, 201), await resp.text()

    refreshed = await reconciler.refresh(Lane.RECONCILER)
    calls = await _catalog_calls(http, sandbox)
    clock.advance(LOCAL_TTL_MS + 1)

    assert await replica.get(LIVE) == refreshed
    assert any(tax.percentage == 5 for tax in refreshed.taxes)
    assert await _catalog_calls(http, sandbox) == calls


async def test_a_shared_copy_no_reconciler_refreshed_is_read_again(
    books: ZohoBooks, mongo_db: Database, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    clock = ShiftedClock()
    shared = CatalogStore(mongo_db)
    await CatalogCache(books, shared, clock).get(LIVE)
    clock.advance(STALE_MS + 1)

    await CatalogCache(books, shared, clock).get(LIVE)

    assert await _catalog_calls(http, sandbox) == 6


async def test_a_first_order_and_the_first_pass_at_start_share_one_read(
    books: ZohoBooks, mongo_db: Database, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    cache = CatalogCache(books, CatalogStore(mongo_db), ShiftedClock())

    for_order, for_pass = await asyncio.gather(cache.get(LIVE), cache.refresh(Lane.RECONCILER))

    assert for_order == for_pass
    assert await _catalog_calls(http, sandbox) == 3
