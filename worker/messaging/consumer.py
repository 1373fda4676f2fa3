"""The consumer: validate, store, acknowledge — never wait for Zoho (SPEC §3 "Ack early").

Every message ends settled, whatever goes wrong while it is handled:

- not an order event → republished, original bytes and all, to the dead-letter
  exchange with its reason, then acknowledged;
- a valid event → acknowledged once durably stored (or found stale);
- anything failing on the way (the database unreachable, the dead-letter
  publish refused, a bug) → logged with the event id, and tried again after a
  delay while the message stays unacknowledged (``holding.py``: 1 s doubling
  to 30 s). When the consumer stops, or after 25 minutes, the message goes back
  to the queue (``nack`` with requeue).

Why hold and retry in process, rather than requeue at once or use a delay queue:
every requeue counts toward the quorum queue's delivery limit (20), so
requeuing at once would dead-letter a valid event, without a reason of ours,
within seconds of a MongoDB outage starting. Retrying in process costs no
delivery at all, keeps the events of an order in order, and is its own
back-pressure: once every prefetch slot holds a message, the broker sends no
more. Going back to the queue counts one delivery, only on stop or every 25
minutes (before RabbitMQ's 30-minute ``consumer_timeout`` would close the
channel), so 20 of them take a crash loop or an outage of more than 8 hours. A
delay queue (per-message TTL dead-lettering back) would add topology that must
not fan out to other consumers of ``shop.orders``, its TTLs expire only at the
queue head, and republish-then-ack can duplicate on a crash.

What a message leads to is decided in ``_handle``; the RabbitMQ side in ``_settle``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

import aio_pika
import structlog
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

from ..clock import Clock, SystemClock
from ..events import EventRejected, OrderEvent, parse_event
from ..metrics import DEAD_LETTERED, EVENTS
from ..negative_controls import ack_before_store
from .holding import Holding, RetryPolicy
from .publisher import publish_dead_letter
from .topology import Declared, Topology, declare

log = structlog.get_logger(__name__)
DEFAULT_PREFETCH = 32
CLOSE_GRACE_S = 5.0  # on close, how long handlers in the middle of an attempt may finish

Store = Callable[[OrderEvent], Awaitable[bool]]  # True: stored as newest; False: stale
Stored = Callable[[str], None]  # told the order id after a stored event was acknowledged


class Outcome(Enum):
    """What became of a message."""

    STORED = "stored"
    STALE = "stale"
    DEAD_LETTERED = "dead_lettered"
    RETURNED = "returned"  # not handled yet: back to the queue (on stop or after the hold limit)


@dataclass
class _Delivery:
    """One message being handled: the event once parsed, and its hold."""

    message: AbstractIncomingMessage
    holding: Holding
    event: OrderEvent | None = None
    acked: bool = False  # only under the test-only ack-before-store switch

    @property
    def event_id(self) -> str | None:
        """The event's id, or the message id while the body is not parsed."""
        return self.event.event_id if self.event is not None else self.message.message_id

    @property
    def order_id(self) -> str | None:
        """The order's id, once parsed."""
        return self.event.order_id if self.event is not None else None


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
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._url = amqp_url
        self._topology = topology
        self._store = store
        self._on_stored = on_stored
        self._prefetch = prefetch
        self._retry = retry or RetryPolicy()
        self._clock = clock or SystemClock()
        self._stopping = asyncio.Event()
        self._handlers: set[asyncio.Task[object]] = set()
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

    @property
    def consuming(self) -> bool:
        """Whether deliveries can arrive now: consuming, and the channel open (a robust
        connection that lost the broker has its channel closed until it reconnects)."""
        channel = self._channel
        return (
            self._tag is not None
            and not self._stopping.is_set()
            and channel is not None
            and not channel.is_closed
        )

    async def dead_letters_waiting(self) -> int | None:
        """Messages in the dead-letter queue now: the worker's dead letters and the broker's
        (a delivery limit reached). None before the consumer connected."""
        connection = self._connection
        if connection is None:
            return None
        # A channel of its own: a passive declare that fails closes the channel it ran on.
        async with connection.channel(publisher_confirms=False) as channel:
            queue = await channel.declare_queue(self._topology.dead_letter_queue, passive=True)
            return int(queue.declaration_result.message_count or 0)

    async def stop_consuming(self) -> None:
        """Take no more messages; held ones go back to the queue now."""
        self._stopping.set()
        if self._declared is not None and self._tag is not None:
            await self._declared.queue.cancel(self._tag)
            self._tag = None

    async def close(self) -> None:
        """Stop, let handlers in the middle of an attempt settle briefly, close the connection."""
        await self.stop_consuming()
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=CLOSE_GRACE_S)
        if self._connection is not None:
            await self._connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        assert task is not None  # aio-pika runs every delivery in a task of its own
        self._handlers.add(task)
        try:
            delivery = _Delivery(message, Holding(self._retry, self._clock, self._stopping))
            with structlog.contextvars.bound_contextvars(event_id=message.message_id):
                await self._settle(delivery, await self._until_handled(delivery))
        finally:
            self._handlers.discard(task)

    async def _until_handled(self, delivery: _Delivery) -> Outcome:
        """Handle the message; after any failure wait and try again, or give it back."""
        while True:
            try:
                async with asyncio.timeout(delivery.holding.remaining_s()):
                    return await self._handle(delivery)
            except Exception as exc:  # whatever fails, the message is tried again, never stuck
                log.warning(
                    "event not handled; trying again after a delay",
                    event_id=delivery.event_id,
                    failures=delivery.holding.failures + 1,
                    error=f"{type(exc).__name__}: {exc}",
                    exc_info=delivery.holding.failures == 0,
                )
            if not await delivery.holding.wait_to_retry():
                return Outcome.RETURNED

    async def _handle(self, delivery: _Delivery) -> Outcome:
        if delivery.event is None:
            try:
                delivery.event = parse_event(delivery.message.body)
            except EventRejected as rejected:
                await self._dead_letter(delivery.message, rejected)
                return Outcome.DEAD_LETTERED
            # Every later line of this delivery says which event and order it is about.
            structlog.contextvars.bind_contextvars(
                event_id=delivery.event.event_id, order_id=delivery.event.order_id
            )
        if ack_before_store() and not delivery.acked:  # test-only negative control
            await delivery.message.ack()
            delivery.acked = True
        stored = await self._store(delivery.event)
        return Outcome.STORED if stored else Outcome.STALE

    async def _dead_letter(self, message: AbstractIncomingMessage, rejected: EventRejected) -> None:
        assert self._channel is not None
        await publish_dead_letter(
            self._channel,
            self._topology,
            message.body,
            message.routing_key or "",
            rejected.reason,
            rejected.detail,
        )
        DEAD_LETTERED.labels(rejected.reason).inc()
        log.warning("dead-lettered", reason=rejected.reason, detail=rejected.detail[:500])

    async def _settle(self, delivery: _Delivery, outcome: Outcome) -> None:
        message = delivery.message
        try:
            if delivery.acked:
                pass
            elif outcome is Outcome.RETURNED:
                await message.nack(requeue=True)
            else:
                await message.ack()
        except Exception:  # a closed channel: the broker gives the message back itself
            log.warning("could not settle; the broker will redeliver", event_id=delivery.event_id)
            return
        EVENTS.labels(message.routing_key or "", outcome.value).inc()
        log.info(
            "event", outcome=outcome.value, event_id=delivery.event_id, order_id=delivery.order_id
        )
        if outcome is Outcome.STORED and delivery.order_id is not None:
            self._on_stored(delivery.order_id)
