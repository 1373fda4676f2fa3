"""The worker's RabbitMQ topology and publishing, against the real broker."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from aio_pika.exceptions import ChannelPreconditionFailed

from tests.support.rabbit import RabbitNames
from worker.events import parse_event
from worker.messaging.publisher import (
    CONTENT_TYPE,
    DETAIL_HEADER,
    REASON_HEADER,
    NotConfirmed,
    Unroutable,
    publish_body,
    publish_dead_letter,
    publish_event,
)
from worker.messaging.topology import DELIVERY_LIMIT, Declared, Topology, declare

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
PAID = (EXAMPLES / "order-paid-two-rates.json").read_bytes()
WAIT = 10.0  # seconds: an upper bound for a message that must come, never a pause


@pytest.fixture
def topology(rabbit_names: RabbitNames) -> Topology:
    """The topology under this test's own names."""
    return Topology(rabbit_names.exchange, rabbit_names.queue, rabbit_names.dead_letter_queue)


@pytest.fixture
async def connection(amqp_url: str) -> AsyncIterator[aio_pika.abc.AbstractConnection]:
    """A connection of this test's own."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        yield connection


@pytest.fixture
async def channel(connection: aio_pika.abc.AbstractConnection) -> AbstractChannel:
    """A channel with publisher confirms, as every publisher must use."""
    return await connection.channel(publisher_confirms=True)


@pytest.fixture
async def declared(channel: AbstractChannel, topology: Topology) -> Declared:
    """The declared topology."""
    return await declare(channel, topology)


async def next_message(queue: AbstractQueue) -> AbstractIncomingMessage:
    """The next message in ``queue``, acknowledged; fails if none comes within ``WAIT``."""
    async with queue.iterator(timeout=WAIT) as messages:
        async for message in messages:
            await message.ack()
            return message
    raise AssertionError("the iterator ended without a message")


async def test_declaring_twice_is_fine_and_the_queue_is_quorum(
    connection: aio_pika.abc.AbstractConnection, declared: Declared, topology: Topology
) -> None:
    again = await declare(await connection.channel(), topology)

    assert again.queue.name == declared.queue.name
    other = await connection.channel()
    with pytest.raises(ChannelPreconditionFailed):
        await other.declare_queue(
            topology.queue, durable=True, arguments={"x-queue-type": "classic"}
        )


async def test_a_published_event_lands_in_the_queue_as_sent(
    channel: AbstractChannel, declared: Declared, topology: Topology
) -> None:
    event = parse_event(PAID)

    await publish_event(channel, topology, event, PAID)
    message = await declared.queue.get(timeout=WAIT)
    await message.ack()

    assert message.body == PAID
    assert message.routing_key == "order.paid"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.content_type == CONTENT_TYPE
    assert message.message_id == event.event_id


@pytest.mark.parametrize("on_return_raises", [True, False])
async def test_an_unroutable_publish_raises(
    connection: aio_pika.abc.AbstractConnection,
    declared: Declared,
    topology: Topology,
    on_return_raises: bool,
) -> None:
    channel = await connection.channel(on_return_raises=on_return_raises)

    with pytest.raises(Unroutable, match=r"invoice\.created"):
        await publish_body(channel, topology, PAID, routing_key="invoice.created")


async def test_publishing_needs_publisher_confirms(
    connection: aio_pika.abc.AbstractConnection, declared: Declared, topology: Topology
) -> None:
    channel = await connection.channel(publisher_confirms=False)

    with pytest.raises(NotConfirmed):
        await publish_body(channel, topology, PAID, routing_key="order.paid")


async def test_a_dead_letter_keeps_the_original_bytes_and_says_why(
    channel: AbstractChannel, declared: Declared, topology: Topology
) -> None:
    body = b'{"specversion": "1.0", "id": "e1", "data": {"id": "10'

    await publish_dead_letter(
        channel, topology, body, "order.paid", "invalid_json", "Unterminated string at 47"
    )
    message = await declared.dead_letter_queue.get(timeout=WAIT)
    await message.ack()

    assert message.body == body
    assert message.routing_key == "order.paid"
    assert message.headers[REASON_HEADER] == "invalid_json"
    assert message.headers[DETAIL_HEADER] == "Unterminated string at 47"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT


async def test_a_message_returned_past_the_delivery_limit_is_dead_lettered(
    channel: AbstractChannel, declared: Declared, topology: Topology
) -> None:
    await channel.set_qos(prefetch_count=1)
    await publish_body(channel, topology, PAID, routing_key="order.paid", message_id="e1")
    deliveries = 0
    async with declared.queue.iterator(timeout=WAIT) as messages:
        async for message in messages:
            deliveries += 1
            await message.nack(requeue=True)
            if deliveries == DELIVERY_LIMIT + 1:
                break

    dead = await next_message(declared.dead_letter_queue)
    assert dead.body == PAID
    assert dead.headers["x-first-death-reason"] == "delivery_limit"


async def zbsync(names: RabbitNames, amqp_url: str, cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run ``zbsync`` as a separate process under ``names``: exit code, stdout, stderr."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ZBSYNC_")}
    environment |= {
        "ZBSYNC_AMQP_URL": amqp_url,
        "ZBSYNC_EXCHANGE": names.exchange,
        "ZBSYNC_QUEUE": names.queue,
        "ZBSYNC_DEAD_LETTER_QUEUE": names.dead_letter_queue,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "worker", *args, cwd=cwd, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_zbsync_publish_declares_and_publishes_an_event_file(
    amqp_url: str, rabbit_names: RabbitNames, channel: AbstractChannel, tmp_path: Path
) -> None:
    code, out, _ = await zbsync(
        rabbit_names, amqp_url, tmp_path, "publish", str(EXAMPLES / "order-paid-two-rates.json")
    )

    assert code == 0
    assert "order.paid" in out
    assert "confirmed" in out
    queue = await channel.declare_queue(rabbit_names.queue, passive=True)
    message = await queue.get(timeout=WAIT)
    await message.ack()
    assert (message.body, message.routing_key) == (PAID, "order.paid")


async def test_zbsync_publish_refuses_an_invalid_event_unless_raw(
    amqp_url: str, rabbit_names: RabbitNames, channel: AbstractChannel, tmp_path: Path
) -> None:
    malformed = tmp_path / "malformed.json"
    malformed.write_bytes(b'{"specversion": "1.0", "id": "e1", "data": {"id": "10')

    refused = await zbsync(rabbit_names, amqp_url, tmp_path, "publish", str(malformed))
    raw = await zbsync(rabbit_names, amqp_url, tmp_path, "publish", "--raw", str(malformed))

    assert refused[0] == 1
    assert "invalid_json" in refused[2]
    assert raw[0] == 0
    queue = await channel.declare_queue(rabbit_names.queue, passive=True)
    message = await queue.get(timeout=WAIT)
    await message.ack()
    assert (message.body, message.routing_key) == (malformed.read_bytes(), "order.paid")
    assert await queue.get(fail=False) is None  # the refused one never reached the broker


async def test_zbsync_publish_exits_2_on_bad_configuration(
    amqp_url: str, rabbit_names: RabbitNames, tmp_path: Path
) -> None:
    names = RabbitNames(rabbit_names.exchange, "", rabbit_names.dead_letter_queue)

    code, _, err = await zbsync(names, amqp_url, tmp_path, "publish", str(EXAMPLES / "x.json"))

    assert code == 2
    assert "ZBSYNC_QUEUE" in err


async def test_zbsync_publish_exits_1_on_a_missing_file(
    amqp_url: str, rabbit_names: RabbitNames, tmp_path: Path
) -> None:
    code, _, err = await zbsync(rabbit_names, amqp_url, tmp_path, "publish", "missing.json")

    assert code == 1
    assert "cannot read missing.json" in err
