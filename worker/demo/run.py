"""``zbsync demo``: the first thing a new user sees, on local defaults.

It starts the Zoho Books sandbox, connects to it the way an admin would (OAuth
code exchange; the refresh token stored encrypted in MongoDB), starts a worker
in this process on RabbitMQ and MongoDB, publishes a handful of realistic
orders (a repeat customer, a coupon, two VAT rates, prices including VAT, a
second currency, an update, a delete, a malformed message) and prints what
ended up in Zoho: invoices with their numbers, contacts, the dead-letter queue.
It uses its own database (``zbsync_demo``) and queue names, emptied at start.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

import aio_pika
import aiohttp
from cryptography.fernet import Fernet
from pydantic import HttpUrl, MongoDsn, SecretStr

from zoho_sandbox import OAuthClient, RunningSandbox, SandboxConfig, serving

from ..app import run_worker
from ..bootstrap import build_worker, build_zoho, replica_name
from ..clock import SystemClock
from ..config import Settings
from ..domain.lanes import Lane
from ..messaging.publisher import publish_body
from ..messaging.topology import Topology, declare
from ..store.connection import ConnectionRepository
from ..store.mongo import Database, open_database, with_database
from ..store.orders import OrderRepository
from ..store.settings import SettingsRepository
from ..sync.ports import OrderStore
from ..zoho.connect import store_refresh_token
from ..zoho.oauth import OAuthClientCredentials, TokenEndpoint
from .report import (
    print_calls,
    print_contacts,
    print_dead_letters,
    print_invoices,
    print_orders,
)
from .samples import MALFORMED, envelope, later_events, sample_orders

DEMO_ENV = "demo.env"
DEMO_DATABASE = "zbsync_demo"
DEMO_EXCHANGE = "zbsync-demo.orders"
DEMO_QUEUE = "zbsync-demo.invoices"
SAMPLE_IDS = ("1001", "1002", "1003", "1004", "1005")
SETTLE_SECONDS = 60
DEMO_SCOPES = "ZohoBooks.contacts.ALL,ZohoBooks.invoices.ALL,ZohoBooks.settings.READ"
REDIRECT_URI = "http://127.0.0.1:8080/oauth/callback"


def ensure_demo_secrets(state_dir: Path) -> dict[str, str]:
    """Admin token and encryption key for the demo, generated once under ``state_dir``."""
    state_dir.mkdir(parents=True, exist_ok=True)
    env_file = state_dir / DEMO_ENV
    if env_file.exists():
        lines = env_file.read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)
    values = {
        "ZBSYNC_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "ZBSYNC_SECRET_KEY": Fernet.generate_key().decode(),
    }
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.writelines(f"{key}={value}\n" for key, value in values.items())
    return values


def demo_settings(
    settings: Settings, sandbox: RunningSandbox, generated: dict[str, str]
) -> Settings:
    """The user's settings, pointed at the sandbox and at the demo's own names and database."""
    client = OAuthClient()
    return settings.model_copy(
        update={
            "zoho_client_id": client.client_id,
            "zoho_client_secret": SecretStr(client.client_secret),
            "zoho_accounts_url": HttpUrl(sandbox.accounts_url),
            "zoho_api_url": HttpUrl(sandbox.api_url),
            "zoho_organization_id": SandboxConfig().organization_id,
            "admin_token": SecretStr(generated["ZBSYNC_ADMIN_TOKEN"]),
            "secret_key": SecretStr(generated["ZBSYNC_SECRET_KEY"]),
            "mongodb_uri": MongoDsn(with_database(str(settings.mongodb_uri), DEMO_DATABASE)),
            "exchange": DEMO_EXCHANGE,
            "queue": DEMO_QUEUE,
            "dead_letter_queue": DEMO_QUEUE + ".dead",
            "list_lag_wait": 1.0,
        }
    )


async def run_demo(settings: Settings, state_dir: Path, *, serve: bool = False) -> int:
    """Run the demo and print what it saw; 0 when every order settled. ``serve``: then run
    the worker with its console on the demo's data until Ctrl-C."""
    generated = ensure_demo_secrets(state_dir)
    print(f"Admin token (kept in {state_dir / DEMO_ENV}): {generated['ZBSYNC_ADMIN_TOKEN']}")
    sandbox_config = SandboxConfig(openapi_dir=settings.zoho_openapi_dir, plan_name="PREMIUM")
    async with serving(sandbox_config) as sandbox, aiohttp.ClientSession() as http:
        demo = demo_settings(settings, sandbox, generated)
        mongo, db = open_database(str(demo.mongodb_uri))
        try:
            await mongo.drop_database(db.name)
            await _reset_queues(demo)
            print(
                f"Zoho Books sandbox at {sandbox.origin}; database {db.name}; "
                f"exchange {demo.exchange}"
            )
            await _connect(demo, db, http, sandbox)
            tax_map = await _tour(demo, db, http)
            settled = await _pipeline(demo, db, http, tax_map)
            await _report(demo, db, http, sandbox)
            if serve:
                await _keep_tax_map(db, tax_map)
        finally:
            await mongo.close()
        if serve:
            await _serve_console(demo, generated["ZBSYNC_ADMIN_TOKEN"])
    return 0 if settled else 1


async def _keep_tax_map(db: Database, tax_map: dict[Decimal, str]) -> None:
    """Store the tour's tax map as the console would, for the worker that serves next."""
    await SettingsRepository(db).change({"tax_map": tax_map})


async def _serve_console(settings: Settings, admin_token: str) -> None:
    """``zbsync run`` on the demo's sandbox and database, with the console, until Ctrl-C."""
    base = f"http://{settings.http_host}:{settings.http_port}"

    def started(url: str) -> None:
        print(
            f"\nThe worker keeps running with its web console: open {url}/ and sign in with "
            f"the admin token {admin_token}\n(connect, settings, orders, Generate / Delete). "
            "Ctrl-C stops it and the sandbox.",
            flush=True,
        )

    await run_worker(settings.model_copy(update={"public_url": HttpUrl(base)}), started=started)


async def _connect(
    settings: Settings, db: Database, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    """What the admin's "Connect Zoho" does, with the sandbox's Self-Client code."""
    client = OAuthClient()
    async with http.post(
        f"{sandbox.origin}/_sandbox/oauth/code",
        json={"client_id": client.client_id, "scope": DEMO_SCOPES},
    ) as resp:
        code = str((await resp.json())["code"])
    endpoint = TokenEndpoint(
        http, sandbox.accounts_url, OAuthClientCredentials(client.client_id, client.client_secret)
    )
    minted = await endpoint.exchange_code(code, REDIRECT_URI)
    assert minted.refresh_token is not None  # exchange_code guarantees it
    await store_refresh_token(
        ConnectionRepository(db, settings.fernet()),
        SystemClock(),
        data_center=settings.zoho_data_center,
        client_id=client.client_id,
        refresh_token=minted.refresh_token,
        api_domain=minted.api_domain,
        scopes=tuple(DEMO_SCOPES.split(",")),
    )


async def _tour(
    settings: Settings, db: Database, http: aiohttp.ClientSession
) -> dict[Decimal, str]:
    """Show the organization's setup; choose the 10 % tax the shop means (its tax map)."""
    org_id = str(settings.zoho_organization_id)
    zoho = build_zoho(settings, db, http, org_id, owner=replica_name())
    org = await zoho.books.organization(Lane.MANUAL)
    taxes = [t for t in await zoho.books.taxes(Lane.MANUAL) if t.is_active]
    print(
        f"Connected to {org.name} ({org.organization_id}), base currency {org.currency_code}; "
        f"active taxes: " + ", ".join(t.tax_name for t in taxes)
    )
    standard_ten = next(t for t in taxes if t.tax_name == "IVA 10%")
    print("Two active taxes are 10 %: the tax map picks 'IVA 10%' for 10 % lines")
    return {Decimal(10): standard_ten.tax_id}


async def _reset_queues(settings: Settings) -> None:
    connection = await aio_pika.connect(str(settings.amqp_url))
    async with connection:
        channel = await connection.channel()
        for queue in (settings.queue, settings.dead_letter_queue):
            await channel.queue_delete(queue)


async def _pipeline(
    settings: Settings, db: Database, http: aiohttp.ClientSession, tax_map: dict[Decimal, str]
) -> bool:
    """Run a worker, publish the samples, wait until every order settled."""
    worker = build_worker(settings, db, http, replica_name(), tax_map=tax_map)
    await worker.orders.ensure_indexes()
    await worker.consumer.start()
    polling = asyncio.create_task(worker.loop.run())
    checking = asyncio.create_task(worker.check_at_start(auto_sync=settings.auto_sync))
    try:
        await _publish(settings, "Publishing the week's paid orders:", sample_orders(), 0)
        settled = await _settled(worker.orders, SAMPLE_IDS)
        await _publish(settings, "Then the shop changes two of them:", later_events(), 10)
        await _publish_malformed(settings)
        settled = settled and await _settled(worker.orders, SAMPLE_IDS)
    finally:
        await worker.consumer.stop_consuming()
        await worker.loop.stop(settings.shutdown_grace)
        await polling
        checking.cancel()
        await asyncio.gather(checking, return_exceptions=True)
        await worker.consumer.close()
    return settled


async def _publish(
    settings: Settings, title: str, events: list[tuple[str, str, dict[str, Any]]], minute: int
) -> None:
    topology = Topology.from_settings(settings)
    connection = await aio_pika.connect(str(settings.amqp_url))
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, topology)
        print(f"\n{title}")
        for offset, (label, event_type, data) in enumerate(events):
            body = envelope(event_type, data, minute + offset)
            await publish_body(channel, topology, body, routing_key=event_type)
            print(f"  {event_type:<14} order {data['id']}: {label}")


async def _publish_malformed(settings: Settings) -> None:
    topology = Topology.from_settings(settings)
    connection = await aio_pika.connect(str(settings.amqp_url))
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await publish_body(channel, topology, MALFORMED[0], routing_key=MALFORMED[1])
    print("  order.paid     and a message cut off in the middle (not JSON)")


async def _settled(orders: OrderStore, order_ids: tuple[str, ...]) -> bool:
    async def done() -> bool:
        records = [await orders.load(order_id) for order_id in order_ids]
        return all(
            r is not None
            and r.applied_seq == r.work_seq
            and r.state != "syncing"
            and r.due_at_ms is None
            for r in records
        )

    try:
        async with asyncio.timeout(SETTLE_SECONDS):
            while not await done():  # noqa: ASYNC110 - the orders settle in MongoDB
                await asyncio.sleep(0.2)
    except TimeoutError:
        print(f"Not every order settled within {SETTLE_SECONDS} s")
        return False
    return True


async def _report(
    settings: Settings, db: Database, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    async with http.get(f"{sandbox.origin}/_sandbox/state") as resp:
        state = await resp.json()
    books = state["books"][str(settings.zoho_organization_id)]
    names = {c["contact_id"]: c["contact_name"] for c in books["contacts"]}
    print_invoices(books["invoices"], names)
    print_contacts(books["contacts"])
    repository = OrderRepository(db)
    records = [await repository.load(order_id) for order_id in SAMPLE_IDS]
    print_orders([r.model_dump() for r in records if r is not None])
    print_dead_letters(await _dead_letters(settings))
    async with http.get(f"{sandbox.origin}/_sandbox/calls") as resp:
        calls = (await resp.json())["calls"]
    print_calls(calls, len(books["invoices"]) + 1)  # + the draft deleted since
    print(
        f"\nOpenAPI violations in the worker's requests: "
        f"{state['counters'].get('openapi_violations', 0)}"
    )


async def _dead_letters(settings: Settings) -> list[tuple[str, str]]:
    connection = await aio_pika.connect(str(settings.amqp_url))
    letters = []
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(settings.dead_letter_queue)
        while (message := await queue.get(fail=False)) is not None:
            await message.ack()
            headers = message.headers
            letters.append(
                (str(headers.get("x-zbsync-reason")), str(headers.get("x-zbsync-detail")))
            )
    return letters
