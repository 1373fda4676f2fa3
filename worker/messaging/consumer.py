"""The consumer: validate, store, acknowledge — never wait for Zoho (SPEC §3 "Ack early").

A message that is not an order event is republished, original bytes and all,
to the dead-letter exchange with its reason, then acknowledged. A valid event
is acknowledged once it is durably stored; if storing fails (the database is
unreachable) it is returned to the queue. What a message leads to is decided
in ``_handle``; the RabbitMQ side of each outcome in ``_settle``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum

import aio_pika
import structlog
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

from ..events import EventRejected, OrderEvent, parse_event
from ..metrics import DEAD_LETTERED, EVENTS
from .publisher import publish_dead_letter
from .topology import Declared, Topology, declare

log = structlog.get_logger(__name__)
DEFAULT_PREFETCH = 32

Store = Callable[[OrderEvent], Awaitable[bool]]  # True: stored as newest; False: stale
Stored = Callable[[str], None]  # told the order id after a stored event was acknowledged


class Outcome(Enum):
    """What became of a message."""

    STORED = "stored"
    STALE = "stale"
    DEAD_LETTERED = "dead_lettered"
    RETRY = "retry"  # not stored: back to the queue


class OrderConsumer:
    """Consumes the worker's queue on one robust connection."""

    def __init__(
        self,
        amqp_url: str,
        topology: Topology,
        store: Store,
        on_stored: Stored,
        *,
        prefetch: int = DEFAULT_PREFETCH,
    ) -> None:
        self._url = amqp_url
        self._topology = topology
        self._store = store
        self._on_stored = on_stored
        self._prefetch = prefetch
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._declared: Declared | None = None
        self._tag: str | None = None

    async def start(self) -> None:
        """Connect, declare the topology and start consuming."""
        self._connection = await aio_pika.connect_robust(self._url)
        self._channel = await self._connection.channel(publisher_confirms=True)
        await self._channel.set_qos(prefetch_count=self._prefetch)
        self._declared = await declare(self._channel, self._topology)
        self._tag = await self._declared.queue.consume(self._on_message)
        log.info("consuming", queue=self._topology.queue, prefetch=self._prefetch)

    async def stop_consuming(self) -> None:
        """Take no more messages; unacknowledged ones go back to the queue."""
        if self._declared is not None and self._tag is not None:
            await self._declared.queue.cancel(self._tag)
            self._tag = None

    async def close(self) -> None:
        """Close the connection."""
        await self.stop_consuming()
        if self._connection is not None:
            await self._connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        outcome, event_id, order_id = await self._handle(message)
        await self._settle(message, outcome)
        EVENTS.labels(message.routing_key or "", outcome.value).inc()
        if outcome is Outcome.STORED and order_id is not None:
            self._on_stored(order_id)
        log.info("event", outcome=outcome.value, event_id=event_id, order_id=order_id)

    async def _handle(
        self, message: AbstractIncomingMessage
    ) -> tuple[Outcome, str | None, str | None]:
        try:
            event = parse_event(message.body)
        except EventRejected as rejected:
            return await self._dead_letter(message, rejected), message.message_id, None
        try:
            stored = await self._store(event)
        except Exception:
            log.exception("event not stored; returned to the queue", event_id=event.event_id)
            return Outcome.RETRY, event.event_id, event.order_id
        return (Outcome.STORED if stored else Outcome.STALE), event.event_id, event.order_id

    async def _dead_letter(
        self, message: AbstractIncomingMessage, rejected: EventRejected
    ) -> Outcome:
        assert self._channel is not None
        try:
            await publish_dead_letter(
                self._channel,
                self._topology,
                message.body,
                message.routing_key or "",
                rejected.reason,
                rejected.detail,
            )
        except Exception:
            log.exception("dead-lettering failed; returned to the queue")
            return Outcome.RETRY
        DEAD_LETTERED.labels(rejected.reason).inc()
        log.warning("dead-lettered", reason=rejected.reason, detail=rejected.detail[:500])
        return Outcome.DEAD_LETTERED

    @staticmethod
    async def _settle(message: AbstractIncomingMessage, outcome: Outcome) -> None:
        if outcome is Outcome.RETRY:
            await message.nack(requeue=True)
        else:
            await message.ack()
