"""Publishing with publisher confirms: order events, and dead letters of malformed messages.

Errors, all ``PublishFailed``::

    PublishFailed
    ├── Unroutable     no queue is bound for the routing key (the topology is missing)
    └── NotConfirmed   the broker refused the message, or the channel has no confirms

Every publish is ``mandatory``: a message nobody would receive is an error, never silence.
"""

from __future__ import annotations

from aio_pika import DeliveryMode, Message
from aio_pika.abc import AbstractChannel
from aio_pika.exceptions import DeliveryError, PublishError
from aiormq.abc import DeliveredMessage

from worker.events import OrderEvent, RejectReason

from .topology import Topology

CONTENT_TYPE = "application/cloudevents+json"
REASON_HEADER = "x-zbsync-reason"
DETAIL_HEADER = "x-zbsync-detail"
MAX_DETAIL_CHARS = 1000
CONFIRM_TIMEOUT = 30.0


class PublishFailed(Exception):
    """The broker did not take responsibility for a message."""


class Unroutable(PublishFailed):
    """The exchange routed the message to no queue."""


class NotConfirmed(PublishFailed):
    """The broker refused the message, or the channel cannot confirm."""


async def publish_event(
    channel: AbstractChannel, topology: Topology, event: OrderEvent, body: bytes
) -> None:
    """Publish an event's exact ``body``: routing key = event type, message id = event id."""
    await publish_body(channel, topology, body, routing_key=event.type, message_id=event.event_id)


async def publish_body(
    channel: AbstractChannel,
    topology: Topology,
    body: bytes,
    *,
    routing_key: str,
    message_id: str | None = None,
) -> None:
    """Publish bytes as they are to the order exchange, persistent and confirmed."""
    message = Message(
        body,
        content_type=CONTENT_TYPE,
        delivery_mode=DeliveryMode.PERSISTENT,
        message_id=message_id,
    )
    await _confirmed(channel, topology.exchange, message, routing_key)


# The consumer calls this with the six values the dead-letter contract names, in order.
async def publish_dead_letter(  # noqa: PLR0917
    channel: AbstractChannel,
    topology: Topology,
    body: bytes,
    routing_key: str,
    reason: RejectReason,
    detail: str,
) -> None:
    """Republish a malformed message's original bytes to the dead-letter exchange, confirmed.

    The reason code and a readable detail travel as headers; the caller acknowledges the
    original only after this returns.
    """
    message = Message(
        body,
        delivery_mode=DeliveryMode.PERSISTENT,
        headers={REASON_HEADER: reason, DETAIL_HEADER: detail[:MAX_DETAIL_CHARS]},
    )
    await _confirmed(channel, topology.dead_letter_exchange, message, routing_key)


async def _confirmed(
    channel: AbstractChannel, exchange_name: str, message: Message, routing_key: str
) -> None:
    if not channel.publisher_confirms:
        raise NotConfirmed("the channel was opened without publisher confirms")
    exchange = await channel.get_exchange(exchange_name, ensure=False)
    try:
        result = await exchange.publish(
            message, routing_key, mandatory=True, timeout=CONFIRM_TIMEOUT
        )
    except PublishError as exc:
        raise _unroutable(exchange_name, routing_key) from exc
    except DeliveryError as exc:
        raise NotConfirmed(f"{exchange_name!r} refused the message: {exc}") from exc
    if isinstance(result, DeliveredMessage):  # returned: the channel does not raise on return
        raise _unroutable(exchange_name, routing_key)


def _unroutable(exchange_name: str, routing_key: str) -> Unroutable:
    return Unroutable(f"exchange {exchange_name!r} routes {routing_key!r} to no queue")
