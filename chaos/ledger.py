"""The publisher's ledger: what the shop tried to publish and what the broker said.

Each attempt ends ``ok`` (confirmed), ``failed`` (no channel to publish on) or
``unknown`` (sent, but no confirmation came); like a shop's retrying webhook
sender, a failed or unknown publish is tried again until confirmed, so a
message may reach the queue twice. A publication the scenario drops on purpose
is ``dropped``: it never reaches the broker (the order feed must recover it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection
from dataclasses import dataclass, field

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection

from bench.stack import Installation
from tests.support.workload import Publication
from worker.messaging.publisher import publish_body
from worker.messaging.topology import declare

RETRY_AFTER_S = 0.5


@dataclass
class Ledger:
    """Every publish attempt's outcome, and the publications confirmed or dropped."""

    confirmed: list[Publication] = field(default_factory=list)
    dropped: list[Publication] = field(default_factory=list)
    failed: int = 0
    unknown: int = 0
    last_confirmed_at: float = 0.0  # monotonic seconds

    def summary(self) -> str:
        """``ok/failed/unknown/dropped`` counts."""
        return f"{len(self.confirmed)}/{self.failed}/{self.unknown}/{len(self.dropped)}"


@dataclass
class Publisher:
    """One connection with publisher confirms, opened again whenever it breaks."""

    place: Installation
    ledger: Ledger
    drop: Collection[str | None] = ()  # order ids whose events are never published
    _connection: AbstractConnection | None = None
    _channel: AbstractChannel | None = None

    async def publish(self, publication: Publication) -> None:
        """Publish until the broker confirms (or drop it, when the scenario says so)."""
        if publication.order_id in self.drop:
            self.ledger.dropped.append(publication)
            return
        while True:
            try:
                channel = await self._open()
            except (aio_pika.exceptions.AMQPError, OSError, TimeoutError):
                self.ledger.failed += 1
                await self._reset()
                await asyncio.sleep(RETRY_AFTER_S)
                continue
            try:
                async with asyncio.timeout(10):
                    await publish_body(
                        channel,
                        self.place.topology,
                        publication.body,
                        routing_key=publication.routing_key,
                    )
            except (aio_pika.exceptions.AMQPError, OSError, TimeoutError, RuntimeError):
                self.ledger.unknown += 1
                await self._reset()
                await asyncio.sleep(RETRY_AFTER_S)
                continue
            self.ledger.confirmed.append(publication)
            self.ledger.last_confirmed_at = asyncio.get_running_loop().time()
            return

    async def close(self) -> None:
        """Close the connection, if one is open."""
        await self._reset()

    async def _open(self) -> AbstractChannel:
        if self._channel is None or self._channel.is_closed:
            await self._reset()
            self._connection = await aio_pika.connect(self.place.amqp_url, timeout=5)
            self._channel = await self._connection.channel(publisher_confirms=True)
            await declare(self._channel, self.place.topology)
        return self._channel

    async def _reset(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                await connection.close()
