"""The readiness checks of one replica (``GET /readyz``): broker, database, Zoho connection.

Each is cheap: the consumer's own state, one ``ping`` to MongoDB, one read of the stored
connection (whose rule is ``worker.domain.readiness``). ``worker.api.readiness`` runs them
with a time limit each.
"""

from __future__ import annotations

from typing import Protocol

from ..api.readiness import Check
from ..clock import Clock, SystemClock
from ..config import Settings
from ..domain.readiness import zoho_connection_problem
from ..store.connection import ConnectionRepository, SealedTokenUnreadable
from ..store.mongo import Database

NOT_CONSUMING = "not consuming: the broker connection is down or the consumer stopped"
UNREADABLE = "the stored token cannot be decrypted with ZBSYNC_SECRET_KEY"


class Consuming(Protocol):
    """The consumer's state (``worker.messaging.consumer.OrderConsumer``)."""

    @property
    def consuming(self) -> bool:
        """Whether deliveries can arrive now."""
        ...


def readiness_checks(
    settings: Settings, db: Database, consumer: Consuming, clock: Clock | None = None
) -> dict[str, Check]:
    """``broker``, ``database`` and ``zoho``: each None when it passes, else why not."""
    connections = ConnectionRepository(db, settings.fernet())
    clock = clock or SystemClock()

    async def broker() -> str | None:
        return None if consumer.consuming else NOT_CONSUMING

    async def database() -> str | None:
        await db.command("ping")
        return None

    async def zoho() -> str | None:
        try:
            stored = await connections.load()
        except SealedTokenUnreadable:
            return UNREADABLE
        return zoho_connection_problem(stored, clock.now_ms())

    return {"broker": broker, "database": database, "zoho": zoho}
