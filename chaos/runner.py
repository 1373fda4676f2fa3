"""One scenario from start to table row: installation, replicas, workload, disruption, checks.

Everything started here ends in ``finally``: replicas (SIGTERM, then SIGKILL),
the disruption task, an own RabbitMQ node or nx-27017, the database and queues.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import aio_pika
from pymongo.errors import PyMongoError

from bench.stack import AMQP_URL, Installation, installation, scaled_sandbox
from tests.support.fake_feed import FakeFeed, serving_feed
from tests.support.nx_server import free_port
from tests.support.rabbit_node import RabbitNode, start_node, stop_node
from tests.support.scaled_worker import WINDOW_ENV
from tests.support.workload import Publication, Workload, build_workload
from tests.support.workload_run import observe, open_work
from tests.support.zoho_fixtures import add_fault
from worker.store.mongo import ZOHO_BUDGETS
from worker.store.orders import ORDERS

from .checker import Row, check
from .context import Chaos, OwnDatabase
from .ledger import Ledger, Publisher
from .scenarios import Scenario

WORKER_ENV = {
    "ZBSYNC_LIST_LAG_WAIT": "1",
    "ZBSYNC_ZOHO_REQUESTS_PER_MINUTE": "40",  # per 4-second window, across the replicas
    WINDOW_ENV: "4000",
    "ZBSYNC_ZOHO_DAILY_LIMIT": "1000000",
    "ZBSYNC_LEASE_TTL": "6",  # short: a killed replica's lease expires within the run
}
SANDBOX = {"time_scale": 1, "minute_window": 4.0, "access_token_ttl": 3600}
POLL_S = 0.25
SERVER_SELECTION = "serverSelectionTimeoutMS=2000"  # a store fails fast while MongoDB is down


async def run(scenario: Scenario, seed: int, shared_mongodb_uri: str) -> Row:
    """Run ``scenario`` with ``seed``; a row whatever happens (``error`` says what went wrong)."""
    row = Row(scenario.key)
    started = time.monotonic()
    try:
        async with asyncio.timeout(scenario.timeout):
            await _run(scenario, seed, shared_mongodb_uri, row)
    except TimeoutError:
        row.error = f"timed out after {scenario.timeout:.0f} s"
    except Exception as exc:  # the table says which scenario broke and how
        row.error = f"{type(exc).__name__}: {exc}"[:200]
    row.seconds = time.monotonic() - started
    return row


async def _run(scenario: Scenario, seed: int, shared_mongodb_uri: str, row: Row) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible run, not a secret
    workload = build_workload(seed, scenario.orders)
    config = scaled_sandbox(**(SANDBOX | dict(scenario.sandbox)))
    dropped = _dropped(rng, workload, scenario.drop_share)
    feed = FakeFeed(pages=[[_order_data(p) for p in dropped]])
    with tempfile.TemporaryDirectory(prefix="zbsync-chaos-") as tmp:
        async with (
            serving_feed(feed) as feed_url,
            _services(scenario, Path(tmp), shared_mongodb_uri) as services,
            installation(
                services.mongodb_uri, config, WORKER_ENV, amqp_url=services.amqp_url
            ) as place,
        ):
            if services.database is not None:
                place.env["ZBSYNC_MONGODB_URI"] += f"?{SERVER_SELECTION}"
            if dropped:
                place.env["ZBSYNC_ORDER_FEED_URL"] = feed_url
            chaos = Chaos(
                place,
                rng,
                dict(scenario.env),
                [asyncio.Event() for _ in range(workload.phases)],
                database=services.database,
                broker=services.broker,
            )
            await chaos.start(scenario.replicas)
            ledger = Ledger()
            drop = {p.order_id for p in dropped}
            await _drive(scenario, chaos, workload, Publisher(place, ledger, drop), row)
            seen = await observe(place, workload, [])
            check(row, workload, seen, ledger)
            row.notes += chaos.notes
            row.kills = chaos.kills
            row.token_ttl_s = scenario.sandbox.get("access_token_ttl")


async def _drive(
    scenario: Scenario, chaos: Chaos, workload: Workload, publisher: Publisher, row: Row
) -> None:
    place, phases, ledger = chaos.place, workload.phases, publisher.ledger
    disruption = asyncio.create_task(scenario.disruption(chaos)) if scenario.disruption else None
    loop = asyncio.get_running_loop()
    settled_at: list[float] = []  # when each phase settled (loop time)
    if not scenario.prepares:
        chaos.ready.set()
    try:
        await chaos.ready.wait()
        for phase in range(phases):
            for request_class, mode in scenario.faults.get(phase, []):
                await add_fault(place.http, place.sandbox, request_class, mode)
            for publication in workload.phase(phase):
                await publisher.publish(publication)
                if scenario.publish_gap_s:
                    await asyncio.sleep(scenario.publish_gap_s)
            chaos.published[phase].set()
            if phase == phases - 1 and disruption is not None:
                await disruption  # bounded; recovery is timed from its end
            began = loop.time()
            still_open = await _settle(place, ledger.confirmed, scenario.settle_within)
            settled_at.append(loop.time())
            row.notes.append(f"phase {phase} settled in {settled_at[-1] - began:.1f} s")
            row.still_open += [f"phase {phase}: {what}" for what in still_open]
        if ledger.dropped:
            missing = await _recovered(place, ledger.dropped, scenario.settle_within)
            settled_at.append(loop.time())
            row.still_open += [f"dropped order {order_id} not synced" for order_id in missing]
        # From the last disruption (else the last publish) to the first settle after it.
        since = chaos.last_disruption or ledger.last_confirmed_at
        row.recover_s = next((at - since for at in settled_at if at >= since), None)
    finally:
        await publisher.close()
        if disruption is not None and not disruption.done():
            disruption.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await disruption


async def _settle(place: Installation, published: list[Publication], within: float) -> list[str]:
    """Like ``workload_run.settle``, but a broker or database that is down means "not yet"."""
    remaining = ["nothing checked yet"]
    try:
        async with asyncio.timeout(within):
            while remaining:
                try:
                    remaining = await open_work(place, published)
                except (PyMongoError, aio_pika.exceptions.AMQPError, OSError) as exc:
                    remaining = [f"cannot look: {type(exc).__name__}"]
                if remaining:
                    await asyncio.sleep(POLL_S)
    except TimeoutError:
        now_ms = int(time.time() * 1000)
        diagnosis = await _due_orders(place, now_ms)
        return [f"still open after {within:.0f} s: {what}" for what in [diagnosis, *remaining]]
    return []


async def _due_orders(place: Installation, now_ms: int) -> str:
    """Why due orders wait: leased (by whom, until when) or free for any replica's poll."""
    try:
        due = place.db[ORDERS].find({"due_at_ms": {"$lte": now_ms}})
        docs = [doc async for doc in due]
        budgets = [doc async for doc in place.db[ZOHO_BUDGETS].find({})]
    except PyMongoError as exc:
        return f"cannot read the orders: {type(exc).__name__}"
    free = [d for d in docs if int(d.get("lease_until_ms") or 0) < now_ms]
    overdue = [(now_ms - int(d["due_at_ms"])) / 1000 for d in docs]
    owners = Counter(str(d.get("lease_owner")) for d in docs if d not in free)
    # In-flight budget slots: a dead replica's hold the concurrency cap until they expire.
    slots = [
        f"{h['owner']} for {(int(h['expires_ms']) - now_ms) / 1000:.0f} s"
        for budget in budgets
        for h in budget.get("holders", [])
        if int(h["expires_ms"]) > now_ms
    ]
    return (
        f"{len(docs)} orders due, up to {max(overdue, default=0):.0f} s overdue; "
        f"{len(free)} not leased (any replica's poll may take them); leased by {dict(owners)}; "
        f"budget slots held: {slots or 'none'}"
    )


@dataclass(frozen=True)
class Services:
    """The database and broker a scenario uses, and the ones it may restart."""

    mongodb_uri: str
    amqp_url: str
    database: OwnDatabase | None
    broker: RabbitNode | None


@contextlib.asynccontextmanager
async def _services(
    scenario: Scenario, tmp: Path, shared_mongodb_uri: str
) -> AsyncIterator[Services]:
    """The database and broker this scenario uses: shared, or its own (to restart)."""
    database = None
    node = None
    try:
        if scenario.own_database:
            database = OwnDatabase(tmp / "nx", free_port(), str(tmp / "nx-data"))
            await asyncio.to_thread(database.start)
        if scenario.own_broker:
            node = await asyncio.to_thread(start_node, tmp / "rabbit")
        uri = database.server.uri if database and database.server else shared_mongodb_uri
        yield Services(uri, node.amqp_url if node else AMQP_URL, database, node)
    finally:
        if node is not None:
            await asyncio.to_thread(stop_node, node)
        if database is not None:
            await asyncio.to_thread(database.kill)


async def _recovered(place: Installation, dropped: list[Publication], within: float) -> list[str]:
    """Wait until every order whose events were dropped is ``synced`` (via the order feed)."""
    ids = sorted({p.order_id for p in dropped if p.order_id is not None})
    missing = ids
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(within):
            while missing:
                synced = place.db[ORDERS].find({"_id": {"$in": ids}, "state": "synced"}, {"_id": 1})
                done = {doc["_id"] async for doc in synced}
                missing = [order_id for order_id in ids if order_id not in done]
                if missing:
                    await asyncio.sleep(POLL_S)
    return missing


def _dropped(rng: random.Random, workload: Workload, share: float) -> list[Publication]:
    """The publications of a seeded ``share`` of the paid-once orders: never published."""
    paid_once = sorted(o.order_id for o in workload.expected.values() if o.lifecycle == "paid")
    chosen = set(rng.sample(paid_once, k=round(len(paid_once) * share)))
    return [p for p in workload.publications if p.order_id in chosen]


def _order_data(publication: Publication) -> object:
    """What the order feed serves for an order: the event's ``data``, digits kept."""
    return json.loads(publication.body, parse_float=Decimal)["data"]
