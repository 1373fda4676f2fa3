"""Pending OAuth consents in MongoDB: one document per ``state``, deleted when taken.

Taking is ``find_one_and_delete``, so of two callbacks carrying the same state
exactly one gets it (a replay finds nothing). Expiry is checked by the caller
against its clock; states never taken are swept when the next one is put.
"""

from __future__ import annotations

from bson import Int64

from ..domain.consent import ConsentState
from .mongo import OAUTH_STATES, Database


class ConsentStateRepository:
    """Implements ``worker.zoho.ports.ConsentStates``."""

    def __init__(self, db: Database) -> None:
        self._collection = db[OAUTH_STATES]

    async def put(self, consent: ConsentState, now_ms: int) -> None:
        """Remember a pending consent; forget those expired by ``now_ms``."""
        await self._collection.delete_many({"expires_at_ms": {"$lte": Int64(now_ms)}})
        await self._collection.insert_one(
            {
                "_id": consent.state,
                "data_center": consent.data_center,
                "expires_at_ms": Int64(consent.expires_at_ms),
                "browser_bound": consent.browser_bound,
                **({} if consent.scopes is None else {"scopes": list(consent.scopes)}),
            }
        )

    async def take(self, state: str) -> ConsentState | None:
        """The pending consent, removed at once; None when unknown or already taken."""
        doc = await self._collection.find_one_and_delete({"_id": state})
        if doc is None:
            return None
        return ConsentState(
            state=state,
            data_center=str(doc["data_center"]),
            expires_at_ms=int(doc["expires_at_ms"]),
            browser_bound=bool(doc["browser_bound"]),
            scopes=tuple(str(s) for s in doc["scopes"]) if "scopes" in doc else None,
        )
