"""Real shop orders under Zoho's real conditions, through three replicas: one invoice per order.

Three ``zbsync run`` processes share RabbitMQ, MongoDB and the sandbox. The
workload (``tests/support/workload.py``, seeded) is 60 orders shaped as
WooCommerce and Shopify send them, published in three phases: new orders
first; once those settled, updates, deletes, cancellations, late payments and
more new orders; then two orders in a quiet moment. Events are duplicated and
reordered, two messages are malformed. Meanwhile Zoho misbehaves: creates
applied but answered 500 or with a reset, 429 storms, an invoice list that
lags 2.5 s behind writes (the workers wait 3 s after an unknown outcome), and a
request budget far below the demand (40 requests per 4-second window across
the replicas: Zoho's minute scaled down so the test takes about a minute).

Once nothing is left to do, every paid order that was not deleted has exactly
one invoice, with the newest revision's content, and is ``synced``; deleted
orders have none; no contact is duplicated; no request body broke Zoho's
schemas; only the malformed messages were dead-lettered. Every difference is
listed in one failure message. The figures (Zoho calls by request class, per
invoice, faults fired) are printed: run with ``-s`` to see them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aio_pika
import pytest

from tests.e2e.conftest import Stack
from tests.support.scaled_worker import WINDOW_ENV
from tests.support.worker_process import WorkerProcess
from tests.support.workload import Publication, Workload, build_workload
from tests.support.workload_checks import DeadLetter, Observed, figures, problems
from tests.support.zoho_fixtures import add_fault, sandbox_state
from worker.messaging.publisher import publish_body
from worker.messaging.topology import declare
from zoho_sandbox import SandboxConfig

SEED, ORDERS, REPLICAS = 8, 60, 3
LIST_LAG = 2.5  # seconds before Zoho's list shows a new invoice (sandbox time runs at 1x)
WORKER_ENV = {
    "ZBSYNC_LIST_LAG_WAIT": "3",  # longer than the list lags
    "ZBSYNC_ZOHO_REQUESTS_PER_MINUTE": "40",  # per scaled window, across the replicas
    WINDOW_ENV: "4000",  # longer than LIST_LAG_WAIT, like a real minute
    "ZBSYNC_LEASE_TTL": "6",  # short: a lease lost mid-create would show within the run
}
SETTLE_WITHIN = 100.0  # seconds; a bound for a failing run, not a measure
# Per phase, in the order Zoho meets them: each fault hits one request of its class.
FAULTS = {
    0: [
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_reset"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "applied_then_reset"),
        ("contacts.create", "applied_then_500"),
        ("contacts.list", "rate_limit_storm"),
        ("invoices.list", "rate_limit_storm"),
    ],
    1: [
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "applied_then_reset"),
        ("invoices.update", "applied_then_500"),
        ("invoices.update", "rate_limit_storm"),
        ("invoices.delete", "applied_then_reset"),
    ],
    2: [  # a quiet moment: whichever create waited out a hold-off meets a lost answer
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_reset"),
    ],
}
Publish = Callable[[Publication], Awaitable[None]]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """A paid plan whose list lags and whose minute is as short as the workers' budget window."""
    return SandboxConfig(plan_name="PREMIUM", list_lag=LIST_LAG, minute_window=4.0)


async def test_realistic_orders_under_zoho_faults_give_one_invoice_per_paid_order(
    stack: Stack,
) -> None:
    workload = build_workload(SEED, ORDERS)
    await _start_replicas(stack)
    unsettled: list[str] = []
    timings = {}
    async with _publisher(stack) as publish:
        for phase in range(workload.phases):
            started = time.monotonic()
            for request_class, mode in FAULTS[phase]:
                await add_fault(stack.http, stack.sandbox, request_class, mode)
            for publication in workload.phase(phase):
                await publish(publication)
            unsettled += [
                f"phase {phase}: {what}" for what in await _settle(stack, workload, phase)
            ]
            timings[f"phase_{phase}_seconds"] = round(time.monotonic() - started, 1)
    seen = await _observe(stack, workload, unsettled)
    report = {**workload.summary(), **timings, **figures(workload, seen)}
    print("\nrealistic workload:", json.dumps(report, indent=2))  # noqa: T201 - figures for -s

    found = problems(workload, seen)
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


async def _start_replicas(stack: Stack) -> None:
    env = {**stack.env, **WORKER_ENV}
    command = ("-m", "tests.support.scaled_worker")
    started = await asyncio.gather(*(WorkerProcess.start(env, command) for _ in range(REPLICAS)))
    stack.workers.extend(started)


@contextlib.asynccontextmanager
async def _publisher(stack: Stack) -> AsyncIterator[Publish]:
    """Publish as the shop does: one connection, publisher confirms."""
    connection = await aio_pika.connect(stack.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, stack.topology)

        async def publish(publication: Publication) -> None:
            await publish_body(
                channel, stack.topology, publication.body, routing_key=publication.routing_key
            )

        yield publish


async def _settle(stack: Stack, workload: Workload, phase: int) -> list[str]:
    """Wait until every message of the phases so far is handled and no order has work left.

    Returns what was still open when ``SETTLE_WITHIN`` ran out ([] once settled).
    """
    published = [p for p in workload.publications if p.phase <= phase]
    remaining = ["nothing checked yet"]
    try:
        async with asyncio.timeout(SETTLE_WITHIN):
            while remaining := await _open_work(stack, published):  # noqa: ASYNC110 - other processes
                await asyncio.sleep(0.25)
    except TimeoutError:
        return remaining
    return []


async def _open_work(stack: Stack, published: list[Publication]) -> list[str]:
    expected = Counter(p.event_id for p in published if p.event_id is not None)
    malformed = sum(p.order_id is None for p in published)
    entries = stack.db["order_audit"].find({"kind": "event"}, {"event_id": 1})
    handled = Counter([entry["event_id"] async for entry in entries])
    unhandled = sum(max(0, count - handled[event]) for event, count in expected.items())
    ready, dead = (
        await _depth(stack, stack.topology.queue),
        await _depth(stack, stack.topology.dead_letter_queue),
    )
    remaining = [f"{ready} messages still queued"] if ready else []
    if unhandled > dead - malformed:  # some message is neither stored nor dead-lettered
        remaining.append(
            f"{unhandled} valid events not stored and {malformed} malformed messages published, "
            f"but only {dead} dead-lettered: a message is held unacknowledged"
        )
    now_ms = int(time.time() * 1000)
    for order_id in sorted({p.order_id for p in published if p.order_id is not None}):
        record = await stack.order(order_id)
        leased = record is not None and record.lease_owner and record.lease_until_ms > now_ms
        if record is not None and (record.due_at_ms is not None or leased):
            remaining.append(f"order {order_id}: {record.state}, due at {record.due_at_ms}")
    return remaining


async def _depth(stack: Stack, queue_name: str) -> int:
    connection = await aio_pika.connect(stack.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        return queue.declaration_result.message_count or 0


async def _observe(stack: Stack, workload: Workload, unsettled: list[str]) -> Observed:
    state: dict[str, Any] = await sandbox_state(stack.http, stack.sandbox)
    books: dict[str, Any] = next(iter(state["books"].values()))
    async with stack.http.get(f"{stack.sandbox.origin}/_sandbox/calls") as resp:
        calls = (await resp.json())["calls"]
    records = {order_id: await stack.order(order_id) for order_id in workload.expected}
    return Observed(
        invoices=books["invoices"],
        contacts=books["contacts"],
        records=records,
        calls=calls,
        counters=state["counters"],
        openapi=state.get("openapi_validation"),
        dead_letters=await _drain_dead_letters(stack),
        unsettled=unsettled,
    )


async def _drain_dead_letters(stack: Stack) -> list[DeadLetter]:
    connection = await aio_pika.connect(stack.amqp_url)
    letters = []
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(stack.topology.dead_letter_queue)
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
