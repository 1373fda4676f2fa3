"""A whole installation for end-to-end tests: broker, database, sandbox, worker processes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import aiohttp
import pytest
from cryptography.fernet import Fernet

from tests.support.orders import event_body
from tests.support.rabbit import RabbitNames
from tests.support.worker_process import WorkerProcess
from tests.support.zoho_fixtures import CREDENTIALS, REDIRECT_URI, grant_code, sandbox_state
from worker.messaging.publisher import publish_body
from worker.messaging.topology import Topology, declare
from worker.store.mongo import Database, with_database
from worker.store.orders import OrderRepository
from worker.sync.records import OrderRecord
from worker.zoho.oauth import TokenEndpoint
from zoho_sandbox import RunningSandbox, SandboxConfig


@dataclass
class Stack:
    """Everything one test's workers talk to, and ways to look at it."""

    env: dict[str, str]
    sandbox: RunningSandbox
    http: aiohttp.ClientSession
    db: Database
    amqp_url: str
    topology: Topology
    workers: list[WorkerProcess] = field(default_factory=list)

    async def start_worker(self, **extra_env: str) -> WorkerProcess:
        """A ``zbsync run`` process, consuming."""
        worker = await WorkerProcess.start({**self.env, **extra_env})
        self.workers.append(worker)
        return worker

    async def publish(self, body: bytes, routing_key: str) -> None:
        """Publish as the shop does."""
        connection = await aio_pika.connect(self.amqp_url)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            await declare(channel, self.topology)
            await publish_body(channel, self.topology, body, routing_key=routing_key)

    async def paid(self, data: dict[str, Any], **kw: int) -> None:
        """Publish an ``order.paid`` event."""
        await self.publish(event_body("order.paid", data, **kw), "order.paid")

    async def books(self) -> dict[str, Any]:
        """The sandbox organization's contacts and invoices."""
        books = (await sandbox_state(self.http, self.sandbox))["books"]
        assert isinstance(books, dict)
        org: dict[str, Any] = next(iter(books.values()))
        return org

    async def calls(self, request_class: str) -> list[dict[str, Any]]:
        """The sandbox's call log for one request class."""
        url = f"{self.sandbox.origin}/_sandbox/calls"
        async with self.http.get(url, params={"request_class": request_class}) as resp:
            body: dict[str, list[dict[str, Any]]] = await resp.json()
        return body["calls"]

    async def order(self, order_id: str) -> OrderRecord | None:
        """The stored order."""
        return await OrderRepository(self.db).load(order_id)

    async def state(self, order_id: str) -> str | None:
        """The order's state, or None before it is stored."""
        record = await self.order(order_id)
        return None if record is None else record.state


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """A paid plan: the end-to-end runs must not meet the Free plan's daily cap."""
    return SandboxConfig(plan_name="PREMIUM")


@pytest.fixture
async def stack(
    sandbox: RunningSandbox,
    http: aiohttp.ClientSession,
    token_endpoint: TokenEndpoint,
    mongodb_uri: str,
    mongo_db: Database,
    amqp_url: str,
    rabbit_names: RabbitNames,
) -> AsyncIterator[Stack]:
    """The installation; every worker started is killed at the end."""
    minted = await token_endpoint.exchange_code(await grant_code(http, sandbox), REDIRECT_URI)
    assert minted.refresh_token is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZBSYNC_")}
    env |= {
        "ZBSYNC_AMQP_URL": amqp_url,
        "ZBSYNC_MONGODB_URI": with_database(mongodb_uri, mongo_db.name),
        "ZBSYNC_EXCHANGE": rabbit_names.exchange,
        "ZBSYNC_QUEUE": rabbit_names.queue,
        "ZBSYNC_DEAD_LETTER_QUEUE": rabbit_names.dead_letter_queue,
        "ZBSYNC_ZOHO_CLIENT_ID": CREDENTIALS.client_id,
        "ZBSYNC_ZOHO_CLIENT_SECRET": CREDENTIALS.client_secret,
        "ZBSYNC_ZOHO_REFRESH_TOKEN": minted.refresh_token,
        "ZBSYNC_ZOHO_ORGANIZATION_ID": "20061234567",
        "ZBSYNC_ZOHO_ACCOUNTS_URL": sandbox.accounts_url,
        "ZBSYNC_ZOHO_API_URL": sandbox.api_url,
        "ZBSYNC_ADMIN_TOKEN": "e2e-admin-token",
        "ZBSYNC_HTTP_PORT": "0",  # replicas run side by side: each its own free port
        "ZBSYNC_SECRET_KEY": Fernet.generate_key().decode(),
        "ZBSYNC_LIST_LAG_WAIT": "0.2",
        "ZBSYNC_LEASE_TTL": "2",
        "ZBSYNC_SHUTDOWN_GRACE": "5",
        "ZBSYNC_LOG_FORMAT": "json",
    }
    topology = Topology(rabbit_names.exchange, rabbit_names.queue, rabbit_names.dead_letter_queue)
    running = Stack(env, sandbox, http, mongo_db, amqp_url, topology)
    try:
        yield running
    finally:
        for worker in running.workers:
            await worker.kill()
