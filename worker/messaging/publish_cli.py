"""``zbsync publish FILE``: validate an order event and publish it, confirmed.

What a shop developer uses to try the contract by hand, and what the demo uses to feed
samples. ``--raw`` skips validation so that a malformed sample can be sent on purpose.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

import aio_pika
from aio_pika.exceptions import AMQPError

from worker.config import Settings
from worker.events import EventRejected, parse_event

from .publisher import PublishFailed, publish_body
from .topology import Topology, declare

EXIT_REFUSED = 1
RAW_ROUTING_KEY = "order.paid"


@dataclass(frozen=True)
class Outgoing:
    """What will be published: the exact bytes, their routing key and message id."""

    body: bytes
    routing_key: str
    message_id: str | None
    summary: str


def prepare(body: bytes, *, raw: bool, routing_key: str | None = None) -> Outgoing:
    """Validate ``body`` as an order event (raising ``EventRejected``), unless ``raw``.

    A validated event always goes out under its own type; only raw bytes take ``routing_key``.
    """
    if raw:
        key = routing_key or RAW_ROUTING_KEY
        return Outgoing(body, key, None, f"{len(body)} raw bytes (not validated) as {key}")
    event = parse_event(body)
    summary = f"{event.type} event {event.event_id} for order {event.order_id}"
    return Outgoing(body, event.type, event.event_id, summary)


async def send(settings: Settings, outgoing: Outgoing) -> Topology:
    """Declare the topology and publish ``outgoing`` with publisher confirms."""
    topology = Topology.from_settings(settings)
    connection = await aio_pika.connect(str(settings.amqp_url))
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, topology)
        await publish_body(
            channel,
            topology,
            outgoing.body,
            routing_key=outgoing.routing_key,
            message_id=outgoing.message_id,
        )
    return topology


def run_publish(
    settings: Settings, path: Path, *, raw: bool, routing_key: str | None = None
) -> int:
    """The command: 0 when the broker confirmed, 1 with the reason when it did not happen."""
    try:
        outgoing = prepare(path.read_bytes(), raw=raw, routing_key=routing_key)
    except OSError as exc:
        return _refused(f"cannot read {path}: {exc.strerror or exc}")
    except EventRejected as exc:
        return _refused(f"{path} is not a valid order event: {exc.reason}: {exc.detail}")
    try:
        topology = asyncio.run(send(settings, outgoing))
    except (PublishFailed, AMQPError, OSError) as exc:
        return _refused(f"not published: {type(exc).__name__}: {exc}")
    sys.stdout.write(
        f"published {outgoing.summary} to exchange {topology.exchange!r} "
        f"(routing key {outgoing.routing_key!r}, persistent, confirmed)\n"
    )
    return 0


def _refused(message: str) -> int:
    sys.stderr.write(f"zbsync publish: {message}\n")
    return EXIT_REFUSED
