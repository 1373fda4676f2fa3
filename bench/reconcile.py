"""Benchmark: reconciler passes over 10,000 and 100,000 stored orders with 100 missing.

Run from the checkout: ``.venv/bin/python -m bench.reconcile [SIZES...]`` (outside ``make test``).

Settings (printed with the figures): MongoDB from ``ZBSYNC_TEST_MONGODB_URI`` or a
fresh nx-27017; the stored orders are synced ones inserted directly, plus 100
paid orders waiting without an invoice; the sandbox in this process with time
scaled 60x and the worker's budget scaled the same way (90 requests per
1-second window), as in ``bench.orders``. Reported per size: the time of the
query that finds what is missing, and of the whole manual pass (catalog
refresh, finding, and syncing the 100 through the sandbox).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import sys
import time
from typing import Any

import aiohttp

from bench.in_process import connected_settings
from bench.mongo import mongodb_uri
from bench.orders import BUDGET, SANDBOX, _order
from worker.bootstrap import build_worker, replica_name
from worker.logs import configure_logging
from worker.store.mongo import open_database
from worker.store.orders import ORDERS, OrderRepository
from worker.sync.records import OrderRecord
from zoho_sandbox import serving

MISSING = 100
BATCH = 2000


def _document(record: OrderRecord) -> dict[str, Any]:
    doc = record.model_dump(exclude_none=True)
    doc["_id"] = doc.pop("order_id")
    return doc


async def _fill(orders: Any, stored: int, now_ms: int, rng: random.Random) -> list[str]:
    """``stored`` synced orders and ``MISSING`` paid ones without an invoice."""
    for start in range(0, stored, BATCH):
        batch = [
            OrderRecord(
                order_id=f"s{n}",
                version=1,
                state="synced",
                paid=True,
                work_seq=1,
                applied_seq=1,
                received_at_ms=now_ms - n * 1000,
            )
            for n in range(start, min(start + BATCH, stored))
        ]
        await orders.insert_many([_document(r) for r in batch])
    missing = []
    for n in range(MISSING):
        data = _order(n, rng)
        record = OrderRecord(
            order_id=data["id"],
            version=1,
            state="pending",
            paid=True,
            snapshot=data,
            work_seq=1,
            received_at_ms=now_ms - n * 1000,
        )
        await orders.insert_one(_document(record))
        missing.append(data["id"])
    return missing


async def run_size(mongodb_uri: str, stored: int) -> None:
    """Fill, then time the finding query and a whole pass."""
    async with serving(SANDBOX) as sandbox, aiohttp.ClientSession() as http:
        settings = await connected_settings(sandbox, mongodb_uri, f"r{stored}")
        mongo, db = open_database(str(settings.mongodb_uri))
        worker = build_worker(settings, db, http, replica_name(), budget=BUDGET)
        await worker.orders.ensure_indexes()
        now = int(time.time() * 1000)
        started = time.monotonic()
        await _fill(db[ORDERS], stored, now, random.Random(3))  # noqa: S311 - sample data
        filled = time.monotonic() - started
        repository = OrderRepository(db)
        started = time.monotonic()
        found = await repository.missing(now - 30 * 86_400_000, now + 1)
        query = time.monotonic() - started
        assert worker.reconcile is not None
        started = time.monotonic()
        summary = await worker.reconcile.run(manual=True)
        whole = time.monotonic() - started
        await mongo.drop_database(db.name)
        await mongo.close()
    print(
        f"stored={stored:>7} missing={MISSING}: filled in {filled:.1f} s; "
        f"finding query {query * 1000:.0f} ms ({len(found)} found); whole pass {whole:.1f} s "
        f"(found {summary.found}, synced {summary.synced}, failed {summary.failed})"
    )


def main() -> None:
    """Entry point: ``python -m bench.reconcile [SIZES...]`` (default 10000 100000)."""
    configure_logging("console", level=logging.WARNING)
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]
    uri = os.environ.get("ZBSYNC_TEST_MONGODB_URI")
    print(
        f"MongoDB: {'ZBSYNC_TEST_MONGODB_URI' if uri else 'nx-27017'}; sandbox and budget "
        "scaled 60x (a Zoho minute = 1 s)"
    )
    for size in sizes:
        with mongodb_uri() as mongodb:  # a fresh server for each size
            asyncio.run(run_size(mongodb, size))


if __name__ == "__main__":
    main()
