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
import os
import random
import resource
import sys
import time
import uuid
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aio_pika
import aiohttp
from cryptography.fernet import Fernet
from pydantic import HttpUrl, MongoDsn, SecretStr

from bench.mongo import mongodb_uri
from worker.bootstrap import build_worker, replica_name
from worker.clock import SystemClock
from worker.config import Settings
from worker.demo.samples import envelope
from worker.domain.budget_ledger import BudgetLimits
from worker.logs import configure_logging
from worker.messaging.publisher import publish_body
from worker.messaging.topology import Topology, declare
from worker.store.connection import ConnectionRepository
from worker.store.mongo import open_database, with_database
from worker.sync.ports import OrderStore
from worker.zoho.connect import store_refresh_token
from worker.zoho.oauth import OAuthClientCredentials, TokenEndpoint
from zoho_sandbox import OAuthClient, RunningSandbox, SandboxConfig, serving

CUSTOMERS = 300
SANDBOX = SandboxConfig(
    time_scale=60, requests_per_minute=100, plan_name="PREMIUM", daily_limit=1_000_000
)
BUDGET = BudgetLimits(requests_per_window=90, window_ms=1000, daily_limit=1_000_000)
CENT = Decimal("0.01")


def _order(number: int, rng: random.Random) -> dict[str, Any]:
    customer = number if number < CUSTOMERS else rng.randrange(CUSTOMERS)
    lines = [
        {
            "name": f"Product {rng.randrange(50)}",
            "quantity": rng.randint(1, 3),
            "unit_price": f"{rng.randint(300, 9000) / 100:.2f}",
            "tax_rate": rng.choice(["22", "4"]),
        }
        for _ in range(rng.randint(1, 3))
    ]
    discounts = [{"code": "TEN", "amount": "1.00", "tax_rate": "22"}] if number % 5 == 0 else []
    return {
        "id": str(10_000 + number),
        "revision": 1,
        "status": "paid",
        "currency": "EUR",
        "placed_at": "2026-11-23T09:30:00Z",
        "lines": lines,
        "discounts": discounts,
        "customer": {
            "email": f"customer{customer}@example.com",
            "first_name": "Customer",
            "last_name": str(customer),
        },
        "total": str(_zoho_total(lines, discounts)),
    }


def _zoho_total(lines: list[dict[str, Any]], discounts: list[dict[str, Any]]) -> Decimal:
    """Net plus VAT rounded per line, as Zoho computes it."""
    amounts = [
        (Decimal(str(x["quantity"])) * Decimal(x["unit_price"]), Decimal(x["tax_rate"]))
        for x in lines
    ] + [(-Decimal(d["amount"]), Decimal(d["tax_rate"])) for d in discounts]
    tax = sum(
        ((net * rate / 100).quantize(CENT, ROUND_HALF_UP) for net, rate in amounts), Decimal(0)
    )
    return sum((net for net, _ in amounts), Decimal(0)) + tax


async def _settings(sandbox: RunningSandbox, mongodb_uri: str, tag: str) -> Settings:
    client = OAuthClient()
    creds = OAuthClientCredentials(client.client_id, client.client_secret)
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{sandbox.origin}/_sandbox/oauth/code",
            json={
                "client_id": client.client_id,
                "scope": "ZohoBooks.contacts.ALL,ZohoBooks.invoices.ALL,ZohoBooks.settings.READ",
            },
        ) as resp:
            code = (await resp.json())["code"]
        minted = await TokenEndpoint(http, sandbox.origin, creds).exchange_code(code, "http://x/cb")
    settings = Settings(
        _env_file=None,
        zoho_client_id=client.client_id,
        zoho_client_secret=SecretStr(client.client_secret),
        zoho_accounts_url=HttpUrl(sandbox.accounts_url),
        zoho_api_url=HttpUrl(sandbox.api_url),
        zoho_organization_id=SANDBOX.organization_id,
        secret_key=SecretStr(Fernet.generate_key().decode()),
        admin_token=SecretStr("bench"),
        mongodb_uri=MongoDsn(with_database(mongodb_uri, f"b_{tag}")),
        amqp_url=os.environ.get("ZBSYNC_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
        exchange=f"bench.{tag}",
        queue=f"bench.{tag}.q",
        dead_letter_queue=f"bench.{tag}.dead",
        list_lag_wait=1.0,
    )
    mongo, db = open_database(str(settings.mongodb_uri))
    assert minted.refresh_token is not None
    await store_refresh_token(
        ConnectionRepository(db, settings.fernet()),
        SystemClock(),
        data_center="com",
        client_id=client.client_id,
        refresh_token=minted.refresh_token,
    )
    await mongo.close()
    return settings


async def _publish_all(settings: Settings, orders: list[dict[str, Any]]) -> None:
    topology = Topology.from_settings(settings)
    connection = await aio_pika.connect(str(settings.amqp_url))
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, topology)
        for order in orders:
            await publish_body(
                channel, topology, envelope("order.paid", order, 0), routing_key="order.paid"
            )


async def _all_synced(repository: OrderStore, ids: list[str]) -> None:
    pending = set(ids)
    while pending:
        pending = {
            i for i in pending if (r := await repository.load(i)) is None or r.state != "synced"
        }
        if pending:
            await asyncio.sleep(0.5)


async def run(mongodb_uri: str, count: int) -> None:
    """Publish ``count`` orders, wait for every invoice, print the figures."""
    rng, tag = random.Random(7), uuid.uuid4().hex[:8]  # noqa: S311 - sample data, not secrets
    orders = [_order(n, rng) for n in range(count)]
    async with serving(SANDBOX) as sandbox, aiohttp.ClientSession() as http:
        settings = await _settings(sandbox, mongodb_uri, tag)
        mongo, db = open_database(str(settings.mongodb_uri))
        worker = build_worker(settings, db, http, replica_name(), budget=BUDGET)
        await worker.orders.ensure_indexes()
        await worker.consumer.start()
        polling = asyncio.create_task(worker.loop.run())
        started = time.monotonic()
        await _publish_all(settings, orders)
        published = time.monotonic() - started
        await _all_synced(worker.orders, [o["id"] for o in orders])
        elapsed = time.monotonic() - started
        await worker.consumer.close()
        await worker.loop.stop(5)
        await polling
        async with http.get(f"{sandbox.origin}/_sandbox/state") as resp:
            state = await resp.json()
        async with http.get(f"{sandbox.origin}/_sandbox/calls") as resp:
            calls = (await resp.json())["calls"]
        await _cleanup(settings)
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


async def _cleanup(settings: Settings) -> None:
    connection = await aio_pika.connect(str(settings.amqp_url))
    async with connection:
        channel = await connection.channel()
        for queue in (settings.queue, settings.dead_letter_queue):
            await channel.queue_delete(queue)
        for exchange in (settings.exchange, settings.queue + ".dlx"):
            await channel.exchange_delete(exchange)


def main() -> None:
    """Entry point: ``python -m bench.orders [ORDERS]``."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    configure_logging("console", level=logging.WARNING)
    with mongodb_uri() as uri:
        asyncio.run(run(uri, count))


if __name__ == "__main__":
    main()
