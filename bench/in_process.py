"""A worker in the benchmark's own process: settings connected to a sandbox, publishing, waiting.

``bench.orders`` and ``bench.reconcile`` build their worker with
``worker.bootstrap.build_worker`` in this process; the other benchmarks run
``zbsync run`` processes (``bench/stack.py``).
"""

from __future__ import annotations

import asyncio
import os

import aio_pika
import aiohttp
from cryptography.fernet import Fernet
from pydantic import HttpUrl, MongoDsn, SecretStr

from tests.support.rabbit import RabbitNames, delete_declared
from tests.support.sandbox_client import CLIENT, SandboxClient
from tests.support.workload import Publication
from worker.clock import SystemClock
from worker.config import Settings
from worker.messaging.publisher import publish_body
from worker.messaging.topology import Topology, declare
from worker.store.connection import ConnectionRepository
from worker.store.mongo import open_database, with_database
from worker.sync.ports import OrderStore
from worker.zoho.connect import store_refresh_token
from zoho_sandbox import RunningSandbox

AMQP_URL = os.environ.get("ZBSYNC_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


async def connected_settings(sandbox: RunningSandbox, mongodb_uri: str, tag: str) -> Settings:
    """Settings for a worker on database ``b_<tag>`` and queues ``bench.<tag>``, connected."""
    async with aiohttp.ClientSession() as http:
        refresh_token = (await SandboxClient(sandbox, http).connect()).refresh_token
    settings = Settings(
        _env_file=None,
        zoho_client_id=CLIENT.client_id,
        zoho_client_secret=SecretStr(CLIENT.client_secret),
        zoho_accounts_url=HttpUrl(sandbox.accounts_url),
        zoho_api_url=HttpUrl(sandbox.api_url),
        zoho_organization_id=sandbox.config.organization_id,
        secret_key=SecretStr(Fernet.generate_key().decode()),
        admin_token=SecretStr("bench"),
        mongodb_uri=MongoDsn(with_database(mongodb_uri, f"b_{tag}")),
        amqp_url=AMQP_URL,
        exchange=f"bench.{tag}",
        queue=f"bench.{tag}.q",
        dead_letter_queue=f"bench.{tag}.dead",
        list_lag_wait=1.0,
    )
    mongo, db = open_database(str(settings.mongodb_uri))
    await store_refresh_token(
        ConnectionRepository(db, settings.fernet()),
        SystemClock(),
        data_center="com",
        client_id=CLIENT.client_id,
        refresh_token=refresh_token,
    )
    await mongo.close()
    return settings


async def publish_all(settings: Settings, publications: list[Publication]) -> None:
    """Publish every event, confirmed, on one connection."""
    topology = Topology.from_settings(settings)
    connection = await aio_pika.connect(str(settings.amqp_url))
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, topology)
        for publication in publications:
            await publish_body(
                channel, topology, publication.body, routing_key=publication.routing_key
            )


async def all_synced(orders: OrderStore, ids: list[str]) -> None:
    """Return once every order in ``ids`` is ``synced``."""
    pending = set(ids)
    while pending:
        pending = {i for i in pending if (r := await orders.load(i)) is None or r.state != "synced"}
        if pending:
            await asyncio.sleep(0.5)


async def remove_queues(settings: Settings) -> None:
    """Delete the worker's exchanges and queues."""
    names = RabbitNames(settings.exchange, settings.queue, settings.dead_letter_queue)
    await delete_declared(str(settings.amqp_url), names)
