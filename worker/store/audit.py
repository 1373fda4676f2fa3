"""The append-only audit trail: what happened to each order, by whom.

One inserted document per entry (never ``$push`` onto the order): events
received, decisions, Zoho calls and their outcomes, manual actions.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING

from .mongo import Database

AUDIT = "order_audit"


class AuditTrail:
    """Writes and reads audit entries."""

    def __init__(self, db: Database) -> None:
        self._entries = db[AUDIT]

    async def ensure_indexes(self) -> None:
        """Entries are read per order, newest first."""
        await self._entries.create_index([("order_id", ASCENDING), ("at_ms", DESCENDING)])

    async def record(self, order_id: str, at_ms: int, kind: str, actor: str, **detail: Any) -> None:
        """Append one entry; ``detail`` must be JSON-like (no secrets, no tokens)."""
        entry = {"order_id": order_id, "at_ms": at_ms, "kind": kind, "actor": actor}
        await self._entries.insert_one({**entry, **detail})

    async def for_order(self, order_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """An order's entries, newest first."""
        cursor = self._entries.find({"order_id": order_id}, {"_id": 0})
        cursor = cursor.sort([("at_ms", DESCENDING)]).limit(limit)
        return [entry async for entry in cursor]
