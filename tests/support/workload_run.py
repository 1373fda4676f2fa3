"""Driving a workload through a running installation: publish, wait until it settled, observe.

Shared by the realistic end-to-end test and the efficiency benchmark. An
installation is anything with the sandbox, an HTTP session, the database, the
broker's URL and the topology (``Installation``); the worker processes are the
caller's. "Settled" means every published message is stored or dead-lettered,
the queue is empty and no order has work due or a live lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import aio_pika
import aiohttp

from worker.messaging.publisher import publish_body
from worker.messaging.topology import Topology, declare
from worker.store.mongo import Database
from worker.store.orders import ORDERS, OrderRepository
from zoho_sandbox import RunningSandbox

from .workload import Publication, Workload
from .workload_checks import DeadLetter, Observed
from .zoho_fixtures import sandbox_state

Publish = Callable[[Publication], Awaitable[None]]


class Installation(Protocol):
    """What a workload runs against."""

    @property
    def sandbox(self) -> RunningSandbox:
        """The Zoho sandbox the workers call."""
        ...

    @property
    def http(self) -> aiohttp.ClientSession:
        """A session for the sandbox's control API."""
        ...

    @property
    def db(self) -> Database:
        """The workers' database."""
        ...

    @property
    def amqp_url(self) -> str:
        """The broker."""
        ...

    @property
    def topology(self) -> Topology:
        """The workers' exchange and queues."""
        ...


@contextlib.asynccontextmanager
async def publisher(place: Installation) -> AsyncIterator[Publish]:
    """Publish as the shop does: one connection, publisher confirms."""
    connection = await aio_pika.connect(place.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, place.topology)

        async def publish(publication: Publication) -> None:
            await publish_body(
                channel, place.topology, publication.body, routing_key=publication.routing_key
            )

        yield publish


async def settle(
    place: Installation, published: list[Publication], *, within: float, poll: float = 0.25
) -> list[str]:
    """Wait until every message in ``published`` is handled and no order has work left.

    Returns what was still open when ``within`` seconds ran out ([] once settled).
    """
    remaining = ["nothing checked yet"]
    try:
        async with asyncio.timeout(within):
            while remaining := await open_work(place, published):  # noqa: ASYNC110 - other processes
                await asyncio.sleep(poll)
    except TimeoutError:
        return remaining
    return []


async def open_work(place: Installation, published: list[Publication]) -> list[str]:
    """What is not finished yet: queued or unstored messages, orders due or leased."""
    expected = Counter(p.event_id for p in published if p.event_id is not None)
    malformed = sum(p.order_id is None for p in published)
    entries = place.db["order_audit"].find({"kind": "event"}, {"event_id": 1})
    handled = Counter([entry["event_id"] async for entry in entries])
    unhandled = sum(max(0, count - handled[event]) for event, count in expected.items())
    ready = await queue_depth(place, place.topology.queue)
    dead = await queue_depth(place, place.topology.dead_letter_queue)
    remaining = [f"{ready} messages still queued"] if ready else []
    if unhandled > dead - malformed:  # some message is neither stored nor dead-lettered
        remaining.append(
            f"{unhandled} valid events not stored and {malformed} malformed messages published, "
            f"but only {dead} dead-lettered: a message is held unacknowledged"
        )
    ids = sorted({p.order_id for p in published if p.order_id is not None})
    fields = {"state": 1, "due_at_ms": 1, "lease_owner": 1, "lease_until_ms": 1}
    now_ms = int(time.time() * 1000)
    async for doc in place.db[ORDERS].find({"_id": {"$in": ids}}, fields).sort("_id", 1):
        leased = doc.get("lease_owner") and int(doc.get("lease_until_ms", 0)) > now_ms
        if doc.get("due_at_ms") is not None or leased:
            remaining.append(f"order {doc['_id']}: {doc['state']}, due at {doc.get('due_at_ms')}")
    return remaining


async def queue_depth(place: Installation, queue_name: str) -> int:
    """Messages ready in a queue."""
    connection = await aio_pika.connect(place.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        return queue.declaration_result.message_count or 0


async def observe(place: Installation, workload: Workload, unsettled: list[str]) -> Observed:
    """Everything ``problems`` and ``figures`` compare; drains the dead-letter queue."""
    state: dict[str, Any] = await sandbox_state(place.http, place.sandbox)
    books: dict[str, Any] = next(iter(state["books"].values()))
    async with place.http.get(f"{place.sandbox.origin}/_sandbox/calls") as resp:
        calls = (await resp.json())["calls"]
    orders = OrderRepository(place.db)
    records = {order_id: await orders.load(order_id) for order_id in workload.expected}
    return Observed(
        invoices=books["invoices"],
        contacts=books["contacts"],
        records=records,
        calls=calls,
        counters=state["counters"],
        openapi=state.get("openapi_validation"),
        dead_letters=await _drain_dead_letters(place),
        unsettled=unsettled,
    )


async def _drain_dead_letters(place: Installation) -> list[DeadLetter]:
    connection = await aio_pika.connect(place.amqp_url)
    letters = []
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(place.topology.dead_letter_queue)
        while (message := await queue.get(fail=False)) is not None:
            headers = message.headers
            reason, detail = headers.get("x-zbsync-reason"), headers.get("x-zbsync-detail")
            letters.append(DeadLetter(message.body, _text(reason), _text(detail)))
            await message.ack()
    return letters


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return None if value is None else str(value)
