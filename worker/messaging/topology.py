"""The RabbitMQ topology the worker owns (SPEC §2).

::

    shop.orders (topic) --order.*--> zoho-books.orders (quorum, delivery limit 20)
                                          | rejected too often / republished as malformed
                                          v
    zoho-books.orders.dlx (topic) --#--> zoho-books.orders.dead (quorum)

Declaring is idempotent: declaring the same names with the same arguments again changes
nothing, so every process that publishes or consumes declares first.
"""

from __future__ import annotations

from dataclasses import dataclass

from aio_pika import ExchangeType
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

from worker.config import Settings

BINDING_KEY = "order.*"
DEAD_LETTER_BINDING_KEY = "#"
DELIVERY_LIMIT = 20
QUORUM = {"x-queue-type": "quorum"}


@dataclass(frozen=True)
class Topology:
    """The names of the exchange, the worker's queue and its dead-letter queue."""

    exchange: str
    queue: str
    dead_letter_queue: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Topology:
        """The names configured by ``ZBSYNC_EXCHANGE``, ``_QUEUE``, ``_DEAD_LETTER_QUEUE``."""
        return cls(settings.exchange, settings.queue, settings.dead_letter_queue)

    @classmethod
    def default(cls) -> Topology:
        """The names the specification gives, whatever the environment says."""
        fields = Settings.model_fields
        return cls(
            str(fields["exchange"].default),
            str(fields["queue"].default),
            str(fields["dead_letter_queue"].default),
        )

    @property
    def dead_letter_exchange(self) -> str:
        """The exchange both the broker and the worker dead-letter into: ``{queue}.dlx``."""
        return f"{self.queue}.dlx"

    def queue_arguments(self) -> dict[str, str | int]:
        """Arguments of the worker's queue; they must not change once it exists."""
        return {
            **QUORUM,
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": self.dead_letter_exchange,
        }


@dataclass(frozen=True)
class Declared:
    """The declared exchanges and queues, ready to publish to or consume from."""

    exchange: AbstractExchange
    queue: AbstractQueue
    dead_letter_exchange: AbstractExchange
    dead_letter_queue: AbstractQueue


async def declare(channel: AbstractChannel, topology: Topology) -> Declared:
    """Declare the exchanges, queues and bindings; safe to repeat."""
    # The dead-letter side first, so the worker's queue never dead-letters into nothing.
    dead_letter_exchange = await channel.declare_exchange(
        topology.dead_letter_exchange, ExchangeType.TOPIC, durable=True
    )
    dead_letter_queue = await channel.declare_queue(
        topology.dead_letter_queue, durable=True, arguments=dict(QUORUM)
    )
    await dead_letter_queue.bind(dead_letter_exchange, DEAD_LETTER_BINDING_KEY)
    exchange = await channel.declare_exchange(topology.exchange, ExchangeType.TOPIC, durable=True)
    queue = await channel.declare_queue(
        topology.queue, durable=True, arguments=dict(topology.queue_arguments())
    )
    await queue.bind(exchange, BINDING_KEY)
    return Declared(exchange, queue, dead_letter_exchange, dead_letter_queue)
