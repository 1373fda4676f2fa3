"""RabbitMQ helpers for tests: per-test names and their clean-up."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import aio_pika


@dataclass(frozen=True)
class RabbitNames:
    """Exchange and queue names that belong to one test."""

    exchange: str
    queue: str
    dead_letter_queue: str

    @classmethod
    def unique(cls) -> RabbitNames:
        """Names no other test uses."""
        tag = uuid.uuid4().hex[:12]
        return cls(f"test.{tag}.orders", f"test.{tag}.queue", f"test.{tag}.queue.dead")

    @property
    def dead_letter_exchange(self) -> str:
        """The worker's dead-letter exchange for ``queue`` (SPEC §2: ``{queue}.dlx``)."""
        return f"{self.queue}.dlx"


async def delete_declared(amqp_url: str, names: RabbitNames) -> None:
    """Delete every queue and exchange under ``names``; missing ones are fine."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for queue in (names.queue, names.dead_letter_queue):
            await channel.queue_delete(queue)
        for exchange in (names.exchange, names.dead_letter_exchange):
            await channel.exchange_delete(exchange)
