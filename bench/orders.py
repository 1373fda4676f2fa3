"""Benchmark: 1,000 paid orders, 70 % from repeat customers, through one worker.

Run from the checkout: ``.venv/bin/python -m bench.orders [ORDERS]`` (outside ``make test``).

Settings (printed with the figures): the sandbox in this process with time
scaled 60x (a Zoho minute lasts one second), Zoho's own 100 requests a minute,
a PREMIUM plan (10 in flight) and the daily cap raised to 1,000,000; the worker
in this process with the product's budget scaled the same way (90 requests per
1-second window, 5 in flight); RabbitMQ at ``ZBSYNC_TEST_AMQP_URL`` or the
local broker, with names of its own; MongoDB from ``ZBSYNC_TEST_MONGODB_URI`` or
a fresh nx-27017. 300 customers; the first 300 orders are each one's first,
the other 700 are repeat purchases. One to three lines at 22 % or 4 %, a
coupon on every fifth order.

Reported: time from the first publish until every order is synced, Zoho calls
by request class and per invoice, 429s, token mints, peak memory of the process.
"""

from __future__ import annotations

import asyncio
import logging
import random
import resource
import sys
import time
import uuid
from collections import Counter
from typing import Any

import aiohttp

from bench.in_process import all_synced, connected_settings, publish_all, remove_queues
from bench.mongo import mongodb_uri
from bench.sample_orders import paid_event, paid_order
from worker.bootstrap import build_worker, replica_name
from worker.domain.budget_ledger import BudgetLimits
from worker.logs import configure_logging
from worker.store.mongo import open_database
from zoho_sandbox import SandboxConfig, serving

CUSTOMERS = 300
SANDBOX = SandboxConfig(
    time_scale=60, requests_per_minute=100, plan_name="PREMIUM", daily_limit=1_000_000
)
BUDGET = BudgetLimits(requests_per_window=90, window_ms=1000, daily_limit=1_000_000)


def _order(number: int, rng: random.Random) -> dict[str, Any]:
    """The first ``CUSTOMERS`` orders are each customer's first; the rest repeat purchases."""
    customer = number if number < CUSTOMERS else rng.randrange(CUSTOMERS)
    return paid_order(number, customer, rng)


async def run(mongodb_uri: str, count: int) -> None:
    """Publish ``count`` orders, wait for every invoice, print the figures."""
    rng, tag = random.Random(7), uuid.uuid4().hex[:8]  # noqa: S311 - sample data, not secrets
    orders = [_order(n, rng) for n in range(count)]
    async with serving(SANDBOX) as sandbox, aiohttp.ClientSession() as http:
        settings = await connected_settings(sandbox, mongodb_uri, tag)
        mongo, db = open_database(str(settings.mongodb_uri))
        worker = build_worker(settings, db, http, replica_name(), budget=BUDGET)
        await worker.orders.ensure_indexes()
        await worker.consumer.start()
        polling = asyncio.create_task(worker.loop.run())
        checking = asyncio.create_task(worker.check_at_start(auto_sync=settings.auto_sync))
        started = time.monotonic()
        await publish_all(settings, [paid_event(o) for o in orders])
        published = time.monotonic() - started
        await all_synced(worker.orders, [o["id"] for o in orders])
        elapsed = time.monotonic() - started
        await worker.consumer.close()
        await worker.loop.stop(5)
        await polling
        checking.cancel()
        await asyncio.gather(checking, return_exceptions=True)
        async with http.get(f"{sandbox.origin}/_sandbox/state") as resp:
            state = await resp.json()
        async with http.get(f"{sandbox.origin}/_sandbox/calls") as resp:
            calls = (await resp.json())["calls"]
        await remove_queues(settings)
        await mongo.drop_database(db.name)
        await mongo.close()
    _report(count, published, elapsed, state, calls)


def _report(
    count: int, published: float, elapsed: float, state: dict[str, Any], calls: list[dict[str, Any]]
) -> None:
    books = [c for c in calls if not str(c["request_class"]).startswith("oauth.")]
    by_class = Counter(str(c["request_class"]) for c in books)
    invoices = len(next(iter(state["books"].values()))["invoices"])
    counters = state["counters"]
    print(f"orders={count} invoices={invoices} customers={CUSTOMERS} (70 % repeat orders)")
    print(
        f"published in {published:.1f} s; all synced after {elapsed:.1f} s "
        f"({count / elapsed:.1f} orders/s; Zoho minute = 1 s)"
    )
    print(f"Zoho Books calls: {len(books)} = {len(books) / invoices:.2f} per invoice")
    for name, n in sorted(by_class.items()):
        print(f"  {name:<20} {n:>6}  {n / invoices:.3f} per invoice")
    print(
        f"429s: {sum(v for k, v in counters.items() if k.startswith('429.'))}; "
        f"token mints: {counters.get('mints', 0)}; OpenAPI violations: "
        f"{counters.get('openapi_violations', 0)}"
    )
    print(f"peak memory (RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main() -> None:
    """Entry point: ``python -m bench.orders [ORDERS]``."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    configure_logging("console", level=logging.WARNING)
    with mongodb_uri() as uri:
        asyncio.run(run(uri, count))


if __name__ == "__main__":
    main()
