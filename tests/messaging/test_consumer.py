"""The consumer against the real broker: every message settles; a failing store costs no delivery.

The store is an in-memory fake that fails as told; the clock is a ``ManualClock``,
so the test steps over the consumer's backoff instead of waiting through it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aio_pika
import pytest
import structlog
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from prometheus_client import REGISTRY
from pymongo.errors import ServerSelectionTimeoutError

from tests.support.manual_clock import ManualClock
from tests.support.rabbit import RabbitNames
from tests.support.worker_process import eventually
from worker.events import OrderEvent, parse_event
from worker.messaging.consumer import OrderConsumer
from worker.messaging.holding import RetryPolicy
from worker.messaging.publisher import REASON_HEADER, publish_body
from worker.messaging.topology import DELIVERY_LIMIT, Topology

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
PAID = (EXAMPLES / "order-paid-two-rates.json").read_bytes()
WAIT = 10.0  # seconds: an upper bound for something that must happen, never a pause
FAST = RetryPolicy(first_delay_s=1, max_delay_s=4, hold_limit_s=3600)  # short steps to count


class FlakyStore:
    """Fails the first ``failures`` calls with ``error`` (every call when None), then stores."""

    def __init__(self, failures: int | None, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0
        self.stored: list[OrderEvent] = []

    async def __call__(self, event: OrderEvent) -> bool:
        """The consumer's ``Store``."""
        self.calls += 1
        if self.failures is None or self.calls <= self.failures:
            raise self.error
        self.stored.append(event)
        return True


@pytest.fixture
def topology(rabbit_names: RabbitNames) -> Topology:
    """The topology under this test's own names."""
    return Topology(rabbit_names.exchange, rabbit_names.queue, rabbit_names.dead_letter_queue)


@pytest.fixture
async def channel(amqp_url: str) -> AsyncIterator[AbstractChannel]:
    """The test's own channel, with publisher confirms."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        yield await connection.channel(publisher_confirms=True)


@pytest.fixture
def clock() -> ManualClock:
    """The consumer's clock, moved by the test."""
    return ManualClock()


@pytest.fixture
def store() -> FlakyStore:
    """A store that is down for 25 attempts (more than the delivery limit), then works."""
    return FlakyStore(DELIVERY_LIMIT + 5, ServerSelectionTimeoutError("MongoDB is down"))


@asynccontextmanager
async def consuming(
    amqp_url: str,
    topology: Topology,
    store: FlakyStore,
    clock: ManualClock,
    policy: RetryPolicy = FAST,
) -> AsyncIterator[OrderConsumer]:
    """A started consumer of one message at a time; closed at the end."""
    consumer = OrderConsumer(
        amqp_url, topology, store, lambda _: None, prefetch=1, retry=policy, clock=clock
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.close()


@pytest.fixture
async def consumer(
    amqp_url: str, topology: Topology, store: FlakyStore, clock: ManualClock
) -> AsyncIterator[OrderConsumer]:
    """A started consumer with the ``FAST`` policy."""
    async with consuming(amqp_url, topology, store, clock) as started:
        yield started


async def queue(channel: AbstractChannel, name: str) -> AbstractQueue:
    """A queue the consumer declared."""
    return await channel.declare_queue(name, passive=True)


async def waiting(channel: AbstractChannel, name: str) -> int:
    """How many messages wait in ``name`` (not counting those delivered and unsettled)."""
    declared = await channel.declare_queue(name, passive=True)
    assert declared.declaration_result.message_count is not None
    return declared.declaration_result.message_count


async def next_message(source: AbstractQueue) -> AbstractIncomingMessage:
    """The next message in ``source``, acknowledged; fails if none comes within ``WAIT``."""
    async with source.iterator(timeout=WAIT) as messages:
        async for message in messages:
            await message.ack()
            return message
    raise AssertionError("the iterator ended without a message")


async def step_over_waits(clock: ManualClock, count: int) -> list[int]:
    """Let the consumer's next ``count`` backoff waits pass; how long each was, in ms."""
    waits = []
    async with asyncio.timeout(WAIT):
        for _ in range(count):
            deadline = (await clock.sleeping())[0]
            waits.append(deadline - clock.now_ms())
            clock.advance(deadline - clock.now_ms())
    return waits


def returned_total() -> float:
    """How many messages consumers gave back to the queue so far (the metric)."""
    labels = {"type": "order.paid", "outcome": "returned"}
    return REGISTRY.get_sample_value("zbsync_events_total", labels) or 0.0


async def test_a_deeply_nested_body_is_dead_lettered_as_invalid_json(
    consumer: OrderConsumer, channel: AbstractChannel, topology: Topology, store: FlakyStore
) -> None:
    body = b"[" * 400_000

    await publish_body(channel, topology, body, routing_key="order.paid")
    dead = await next_message(await queue(channel, topology.dead_letter_queue))

    assert dead.body == body
    assert dead.headers[REASON_HEADER] == "invalid_json"
    assert store.calls == 0

    async def settled() -> bool:
        return await waiting(channel, topology.queue) == 0

    await eventually(settled, what="the queue drained")


async def test_the_dead_letter_queue_depth_counts_what_waits_there(
    consumer: OrderConsumer, channel: AbstractChannel, topology: Topology
) -> None:
    assert await consumer.dead_letters_waiting() == 0
    for body in (b"{", b"[" * 400_000):
        await publish_body(channel, topology, body, routing_key="order.paid")

    async def both_dead() -> bool:
        return await waiting(channel, topology.dead_letter_queue) == 2

    await eventually(both_dead, what="two dead letters")
    assert await consumer.dead_letters_waiting() == 2
    assert consumer.consuming  # the passive declare ran on a channel of its own


async def test_a_store_failing_past_the_delivery_limit_still_stores_the_event(
    consumer: OrderConsumer,
    channel: AbstractChannel,
    topology: Topology,
    store: FlakyStore,
    clock: ManualClock,
) -> None:
    """A database outage costs no delivery: the event is held and retried, with backoff."""
    returned_before = returned_total()
    await publish_body(channel, topology, PAID, routing_key="order.paid", message_id="e1")

    waits = await step_over_waits(clock, DELIVERY_LIMIT + 5)

    async def stored() -> bool:
        return bool(store.stored)

    await eventually(stored, what="the event stored")
    assert store.stored == [parse_event(PAID)]
    assert store.calls == DELIVERY_LIMIT + 6
    assert waits == [1000, 2000] + [4000] * (DELIVERY_LIMIT + 3)
    assert returned_total() == returned_before  # never given back: one delivery in all
    assert await waiting(channel, topology.dead_letter_queue) == 0


async def test_a_message_held_up_to_the_hold_limit_goes_back_to_the_queue(
    amqp_url: str, channel: AbstractChannel, topology: Topology, clock: ManualClock
) -> None:
    """Settled before RabbitMQ's consumer_timeout would close the channel: one delivery counted."""
    broken = FlakyStore(None, ServerSelectionTimeoutError("MongoDB is down"))
    policy = RetryPolicy(first_delay_s=1, max_delay_s=4, hold_limit_s=20)
    returned_before = returned_total()
    async with consuming(amqp_url, topology, broken, clock, policy):
        await publish_body(channel, topology, PAID, routing_key="order.paid", message_id="e1")

        # 1+2+4+4+4+4 = 19 s held; the next 4 s would pass the 20 s limit: back to the queue,
        # delivered again, and held anew from the first delay.
        waits = await step_over_waits(clock, 7)

        assert waits == [1000, 2000, 4000, 4000, 4000, 4000, 1000]
        assert broken.calls == 8
        assert returned_total() == returned_before + 1
    assert await waiting(channel, topology.dead_letter_queue) == 0


async def test_an_unexpected_store_error_is_retried_and_the_message_returned_on_stop(
    amqp_url: str, channel: AbstractChannel, topology: Topology, clock: ManualClock
) -> None:
    broken = FlakyStore(None, RuntimeError("a bug"))
    async with consuming(amqp_url, topology, broken, clock):
        await publish_body(channel, topology, PAID, routing_key="order.paid", message_id="e1")
        async with asyncio.timeout(WAIT):
            await clock.sleeping()  # retrying after a delay: neither stuck nor requeued at once

    message = await next_message(await queue(channel, topology.queue))

    assert message.body == PAID
    assert message.redelivered
    assert broken.calls == 1
    assert await waiting(channel, topology.dead_letter_queue) == 0


async def test_storing_an_event_runs_with_its_event_and_order_id_in_the_log_context(
    amqp_url: str, channel: AbstractChannel, topology: Topology, clock: ManualClock
) -> None:
    seen: list[dict[str, object]] = []

    async def store(event: OrderEvent) -> bool:
        seen.append(structlog.contextvars.get_contextvars())
        return True

    consumer = OrderConsumer(amqp_url, topology, store, lambda _: None, prefetch=1, clock=clock)
    await consumer.start()
    try:
        await publish_body(channel, topology, PAID, routing_key="order.paid", message_id="e7")

        async def stored() -> bool:
            return bool(seen)

        await eventually(stored, what="the event stored")
    finally:
        await consumer.close()
    event = parse_event(PAID)
    assert seen == [{"event_id": event.event_id, "order_id": event.order_id}]


async def test_the_consumer_says_it_consumes_only_between_start_and_stop(
    amqp_url: str, topology: Topology, store: FlakyStore, clock: ManualClock
) -> None:
    consumer = OrderConsumer(amqp_url, topology, store, lambda _: None, clock=clock)
    assert not consumer.consuming
    await consumer.start()
    assert consumer.consuming
    await consumer.stop_consuming()
    assert not consumer.consuming
    await consumer.close()
