"""Outages survived (issue 12 item 3): Zoho's API down, Zoho Accounts down at a token refresh,
the MongoDB-compatible server restarted, RabbitMQ stopped and started, SIGTERM with work in
flight. Each: no message lost, no duplicate invoice, nothing dead-lettered, the worker
recovers on its own, and readiness says what the code promises.

Outages last a number of refused requests, or until the test sees their effect, never a
stretch of wall time: the assertions are counts.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from tests.e2e.conftest import Stack
from tests.support.nx_server import free_port, start_nx, stop_nx
from tests.support.orders import order_data
from tests.support.outages import (
    Readiness,
    add_rule,
    api_url,
    clear_faults,
    event_outcomes,
    fault_hits,
    invoices_by_reference,
    log_count,
    queue_depths,
)
from tests.support.rabbit_node import rabbitmq_scripts, start_node, stop_node
from tests.support.worker_process import eventually
from worker.store.mongo import ZOHO_CONNECTIONS, open_database, with_database

NOT_HANDLED = "event not handled; trying again after a delay"


def _order(order_id: str) -> dict[str, Any]:
    """A paid order of a customer of its own (contacts are looked up and created too)."""
    customer = {"email": f"c{order_id}@example.com", "first_name": "Cu", "last_name": order_id}
    return order_data(order_id, customer=customer)


async def _all_synced(stack: Stack, order_ids: list[str]) -> None:
    async def synced() -> bool:
        return all([await stack.state(o) == "synced" for o in order_ids])

    await eventually(synced, what=f"orders {order_ids} synced")


async def _exactly_once(stack: Stack, order_ids: list[str]) -> None:
    """One invoice per order, none other; every stored order points at its own."""
    invoices = invoices_by_reference(await stack.books())
    assert invoices == {f"ORD-{o}": 1 for o in order_ids}
    for order_id in order_ids:
        record = await stack.order(order_id)
        assert record is not None
        assert record.invoice is not None
        assert record.intent is None


async def _nothing_left(stack: Stack) -> None:
    """The queue drained, the dead-letter queue empty."""

    async def drained() -> bool:
        return await queue_depths(stack.amqp_url, stack.topology) == (0, 0)

    await eventually(drained, what="queue drained and no dead letter")


async def test_zoho_api_down_for_a_stretch(stack: Stack) -> None:
    """Every Books request refused with 500 until 20 of them were: the orders wait, then get
    one invoice each. Readiness stays true: it is about the Zoho *connection* (its tokens),
    which an outage of the API does not break."""
    worker = await stack.start_worker()
    readiness = Readiness(stack.http, api_url(worker))
    await stack.paid(_order("6001"))
    await _all_synced(stack, ["6001"])

    # Every Books request class; the Accounts routes (``oauth.*``) stay up.
    for pattern in ("[!o]*", "organizations.*"):
        await add_rule(stack.http, stack.sandbox.origin, pattern, "rejected_500")
    during = ["6002", "6003", "6004", "6005"]
    for order_id in during:
        await stack.paid(_order(order_id))

    async def down_long_enough() -> bool:
        await readiness.probe()
        tried = [await stack.order(o) for o in during]
        hits = await fault_hits(stack.http, stack.sandbox.origin)
        return hits >= 20 and all(r is not None and r.attempts >= 1 for r in tried)

    await eventually(down_long_enough, what="20 Books requests refused, every order retried")
    assert all(status == 200 for status, _ in readiness.seen)
    assert "synced" not in {await stack.state(o) for o in during}
    await clear_faults(stack.http, stack.sandbox.origin)

    await _all_synced(stack, ["6001", *during])
    await _exactly_once(stack, ["6001", *during])
    await _nothing_left(stack)
    assert await readiness.ready()
    assert readiness.transitions() == [200]
    assert event_outcomes(worker) == {"stored": 5}
    assert await worker.stop() == 0


async def test_zoho_accounts_down_at_a_token_refresh(stack: Stack) -> None:
    """Zoho expires the access token (the sandbox clock moves past its lifetime) while its
    token endpoint answers 500: the orders stay due, the worker tries to mint a few times
    (paused between tries, well under Zoho's 10 per 10 minutes) and once Accounts is back
    refreshes once and invoices everything. Readiness goes false at the first failed refresh,
    though the token the worker holds is, by its own clock, still valid (Zoho refused it),
    stays false through the pauses between tries, and is true again after the mint."""
    worker = await stack.start_worker()
    readiness = Readiness(stack.http, api_url(worker))
    await stack.paid(_order("6101"))
    await _all_synced(stack, ["6101"])
    assert await readiness.ready()  # the 200 the transitions start from
    refreshes_before = len(await stack.calls("oauth.token"))

    await add_rule(stack.http, stack.sandbox.origin, "oauth.token", "rejected_500")
    async with stack.http.post(f"{stack.sandbox.origin}/_sandbox/clock", json={"advance": 3601}):
        pass  # every access token the sandbox issued has expired
    during = ["6102", "6103", "6104"]
    for order_id in during:
        await stack.paid(_order(order_id))

    await _unready_while_accounts_refuses(stack, readiness, during)
    await clear_faults(stack.http, stack.sandbox.origin)

    await eventually(readiness.ready, what="ready again")
    await _all_synced(stack, ["6101", *during])
    await _exactly_once(stack, ["6101", *during])
    await _nothing_left(stack)
    refreshes = (await stack.calls("oauth.token"))[refreshes_before:]
    refused = [c for c in refreshes if c["fault"] == "rejected_500"]
    minted = [c for c in refreshes if c["status"] == 200]
    assert len(refused) >= 2
    assert len(minted) == 1  # single flight: one mint once Accounts is back
    assert len(refreshes) <= 10  # Zoho's mint limit per 10 minutes, with the first mint
    assert await readiness.ready()
    assert readiness.transitions() == [200, 503, 200]
    assert await worker.stop() == 0


async def test_zoho_accounts_down_when_the_access_token_expires(stack: Stack) -> None:
    """Short-lived access tokens, and Zoho Accounts answering 500 once the worker's token has
    expired: readiness goes false (refresh failing, no usable token) and stays false through
    the pauses between refresh attempts until Accounts is back, the orders stay due, and
    once Accounts is back one refresh serves them all."""
    await _patch_sandbox(stack, access_token_ttl=3)
    worker = await stack.start_worker()
    readiness = Readiness(stack.http, api_url(worker))
    await stack.paid(_order("6501"))
    await _all_synced(stack, ["6501"])
    assert await readiness.ready()  # the 200 the transitions start from
    await add_rule(stack.http, stack.sandbox.origin, "oauth.token", "rejected_500")
    refreshes_before = len(await stack.calls("oauth.token"))

    async def expired() -> bool:  # by the worker's own clock, as stored
        await readiness.probe()
        stored = await stack.db[ZOHO_CONNECTIONS].find_one({"_id": "primary"})
        assert stored is not None
        return int(stored["access_expires_at_ms"]) < int(time.time() * 1000)

    await eventually(expired, what="the stored access token expired")
    during = ["6502", "6503", "6504"]
    for order_id in during:
        await stack.paid(_order(order_id))

    await _unready_while_accounts_refuses(stack, readiness, during)
    await _patch_sandbox(stack, access_token_ttl=3600)
    await clear_faults(stack.http, stack.sandbox.origin)

    await eventually(readiness.ready, what="ready again")
    await _all_synced(stack, ["6501", *during])
    await _exactly_once(stack, ["6501", *during])
    await _nothing_left(stack)
    refreshes = (await stack.calls("oauth.token"))[refreshes_before:]
    assert len([c for c in refreshes if c["fault"] == "rejected_500"]) >= 2
    assert len([c for c in refreshes if c["status"] == 200]) == 1
    assert len(await stack.calls("oauth.token")) <= 10  # Zoho's mints per 10 minutes
    assert readiness.transitions() == [200, 503, 200]
    assert await worker.stop() == 0


async def _unready_while_accounts_refuses(
    stack: Stack, readiness: Readiness, during: list[str]
) -> None:
    """Two token refreshes refused, the replica not ready, and still none of ``during``
    invoiced; readiness never went back to 200 meanwhile."""

    async def refused_twice() -> bool:
        not_ready = await readiness.failing("zoho")
        return not_ready and await fault_hits(stack.http, stack.sandbox.origin) >= 2

    await eventually(refused_twice, what="not ready, two token refreshes refused")
    assert "synced" not in {await stack.state(o) for o in during}
    assert readiness.transitions() == [200, 503]  # not ready again before Accounts is back


async def _patch_sandbox(stack: Stack, **settings: object) -> None:
    async with stack.http.patch(f"{stack.sandbox.origin}/_sandbox/config", json=settings) as resp:
        assert resp.status == 200, await resp.text()


async def test_sigterm_with_creates_in_flight_drains_and_exits_0(stack: Stack) -> None:
    """Creates made in Zoho whose answers are held back when SIGTERM arrives: the worker
    exits 0 after its grace, leaving the intents uncertain; a new worker looks the invoices
    up and adopts them instead of creating again."""
    held = {"seconds": 3600}
    await add_rule(
        stack.http, stack.sandbox.origin, "invoices.create", "applied_then_latency", **held
    )
    worker = await stack.start_worker()
    orders = ["6201", "6202", "6203"]
    for order_id in orders:
        await stack.paid(_order(order_id))

    async def creates_in_flight() -> bool:
        calls = await stack.calls("invoices.create")
        made = invoices_by_reference(await stack.books())
        return len([c for c in calls if c["status"] is None]) == len(orders) == len(made)

    await eventually(creates_in_flight, what="every invoice made, its answer held")
    assert await worker.stop() == 0
    assert worker.process.returncode == 0
    assert log_count("stopped", worker) == 1
    for order_id in orders:
        record = await stack.order(order_id)
        assert record is not None
        assert record.intent is not None  # left uncertain, for the next holder to look up
        assert record.invoice is None

    await clear_faults(stack.http, stack.sandbox.origin)
    async with stack.http.post(f"{stack.sandbox.origin}/_sandbox/clock", json={"advance": 3601}):
        pass  # the held answers leave, to a client that no longer listens
    successor = await stack.start_worker()
    await _all_synced(stack, orders)
    await _exactly_once(stack, orders)
    await _nothing_left(stack)
    assert len(await stack.calls("invoices.create")) == len(orders)  # looked up, not re-sent
    assert await successor.stop() == 0


async def test_mongodb_server_restarted(stack: Stack, tmp_path: Path) -> None:
    """The worker's nx-27017 is killed mid-run and started again on the same port and data:
    readiness goes false (database) and back, the consumer holds what it could not store and
    stores it once the server is back, without giving a message back to the queue (no
    delivery counted toward RabbitMQ's limit), and every order gets one invoice."""
    port = free_port()
    data_dir = str(tmp_path / "nx-data")
    server = start_nx(tmp_path / "nx", port=port, data_dir=data_dir)
    client, db = open_database(with_database(server.uri, "zbsync_outage"))
    try:
        stack.db = db
        # Server selection given up after 2 s (a URI option an operator can set too), so each
        # store attempt fails within the outage instead of waiting it out.
        uri = with_database(server.uri, db.name) + "?serverSelectionTimeoutMS=2000"
        worker = await stack.start_worker(ZBSYNC_MONGODB_URI=uri)
        readiness = Readiness(stack.http, api_url(worker))
        await stack.paid(_order("6301"))
        await _all_synced(stack, ["6301"])

        stop_nx(server, kill=True)

        async def database_down() -> bool:
            return await readiness.failing("database")

        await eventually(database_down, what="readiness false for the database")
        during = ["6302", "6303", "6304"]
        for order_id in during:
            await stack.paid(_order(order_id))

        async def held() -> bool:  # each of them stored in vain, held for another try
            return log_count(NOT_HANDLED, worker) >= len(during)

        await eventually(held, what="failed stores while the database is down")
        assert await queue_depths(stack.amqp_url, stack.topology) == (0, 0)  # all in hand

        server = start_nx(tmp_path / "nx", port=port, data_dir=data_dir)
        await eventually(readiness.ready, what="ready again")
        await _all_synced(stack, ["6301", *during])
        await _exactly_once(stack, ["6301", *during])
        await _nothing_left(stack)
        assert event_outcomes(worker) == {"stored": 4}  # none returned to the queue
        assert readiness.transitions()[-1] == 200
        assert 503 in readiness.transitions()
        assert worker.process.returncode is None  # recovered without a restart
        assert await worker.stop() == 0
    finally:
        await client.close()
        stop_nx(server)


@pytest.mark.skipif(rabbitmq_scripts() is None, reason="rabbitmq-server is not installed")
async def test_rabbitmq_stopped_and_started(stack: Stack, tmp_path: Path) -> None:
    """A RabbitMQ node of this test's own (the shared broker is left alone) is stopped while
    the worker consumes and started again: readiness goes false (broker) and back, the worker
    reconnects and consumes again by itself, and orders published before, and while it was
    down (the shop retrying until the broker is back), each get one invoice."""
    node = await asyncio.to_thread(start_node, tmp_path / "rabbit")
    try:
        stack.amqp_url = node.amqp_url
        worker = await stack.start_worker(ZBSYNC_AMQP_URL=node.amqp_url)
        readiness = Readiness(stack.http, api_url(worker))
        await stack.paid(_order("6401"))
        await _all_synced(stack, ["6401"])

        await asyncio.to_thread(node.stop_app)

        async def broker_down() -> bool:
            return await readiness.failing("broker")

        await eventually(broker_down, what="readiness false for the broker")
        during = ["6402", "6403", "6404"]
        publishing = [asyncio.create_task(_publish_when_up(stack, o)) for o in during]
        await asyncio.to_thread(node.start_app)

        await eventually(readiness.ready, what="ready again")
        await asyncio.gather(*publishing)
        await _all_synced(stack, ["6401", *during])
        await _exactly_once(stack, ["6401", *during])
        await _nothing_left(stack)
        assert event_outcomes(worker) == {"stored": 4}
        assert readiness.transitions()[-1] == 200
        assert 503 in readiness.transitions()
        assert worker.process.returncode is None  # reconnected without a restart
        assert await worker.stop() == 0
    finally:
        await asyncio.to_thread(stop_node, node)


async def _publish_when_up(stack: Stack, order_id: str) -> None:
    """Publish as a shop that retries until the broker takes the message."""

    async def published() -> bool:
        try:
            await stack.paid(_order(order_id))
        except (aio_pika.exceptions.AMQPError, OSError):
            return False
        return True

    await eventually(published, what=f"order {order_id} published")
