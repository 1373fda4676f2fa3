"""The reconciler's memory: the feed watermark, the catalog fingerprint, and each pass's summary.

One state document per organization (``reconciler_state``) and one inserted
document per pass (``reconciler_passes``), read by the admin API and by ops.
Only integers and strings are written with ``$set`` (see ``mongodb-in-tests.md``).
"""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING

from .mongo import Database

STATE = "reconciler_state"
PASSES = "reconciler_passes"


class ReconcilerStore:
    """State and history of the reconciler, per organization."""

    def __init__(self, db: Database) -> None:
        self._state = db[STATE]
        self._passes = db[PASSES]

    async def ensure_indexes(self) -> None:
        """Passes are read newest first, per organization."""
        await self._passes.create_index([("organization_id", 1), ("started_ms", DESCENDING)])

    async def state(self, organization_id: str) -> dict[str, Any]:
        """The stored state (empty when the reconciler never ran)."""
        doc = await self._state.find_one({"_id": organization_id})
        return dict(doc or {})

    async def set_state(self, organization_id: str, **fields: int | str) -> None:
        """Store some state fields."""
        await self._state.update_one({"_id": organization_id}, {"$set": fields}, upsert=True)

    async def record_pass(self, summary: dict[str, Any]) -> None:
        """Append a pass's summary."""
        await self._passes.insert_one(dict(summary))

    async def passes(self, organization_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The latest passes, newest first."""
        cursor = self._passes.find({"organization_id": organization_id}, {"_id": 0})
        cursor = cursor.sort([("started_ms", DESCENDING)]).limit(limit)
        return [doc async for doc in cursor]
