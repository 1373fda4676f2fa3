"""Named leases shared by replicas (one customer's contact, the reconciler's leadership).

A lease has an owner, an expiry and a fence that grows with every new holder,
so work done under an expired lease can be told apart. Writes are
compare-and-swap on ``version``; a holder that dies simply lets it expire.
"""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from .mongo import Database, Document

LEASES = "leases"


class Leases:
    """Acquire, renew (fenced) and release named leases."""

    def __init__(self, db: Database) -> None:
        self._leases = db[LEASES]

    async def acquire(self, name: str, owner: str, ttl_ms: int, now_ms: int) -> int | None:
        """Take (or renew) the lease; its fence, or None while someone else holds it."""
        while True:
            current = await self._leases.find_one({"_id": name})
            if current is None:
                if await self._insert(name, owner, now_ms + ttl_ms):
                    return 1
                continue
            if current["owner"] != owner and int(current["until_ms"]) > now_ms:
                return None
            fence = int(current["fence"]) + (0 if current["owner"] == owner else 1)
            if await self._swap(current, owner=owner, until_ms=now_ms + ttl_ms, fence=fence):
                return fence

    async def renew(self, name: str, owner: str, fence: int, ttl_ms: int, now_ms: int) -> bool:
        """Extend the lease taken with ``fence`` to ``now_ms + ttl_ms``; False if it is lost.

        Lost: it expired (even if nobody took it yet, the holder was not covered
        meanwhile), was released, or another holder took it (a new fence).
        """
        while True:
            current = await self._leases.find_one({"_id": name})
            if current is None or (current["owner"], int(current["fence"])) != (owner, fence):
                return False
            if int(current["until_ms"]) <= now_ms:
                return False
            until_ms = max(int(current["until_ms"]), now_ms + ttl_ms)  # never shortened
            if await self._swap(current, until_ms=until_ms):
                return True

    async def release(self, name: str, owner: str) -> None:
        """Give the lease up early, if it is still ours."""
        current = await self._leases.find_one({"_id": name})
        if current is not None and current["owner"] == owner:
            await self._swap(current, until_ms=0)

    async def _insert(self, name: str, owner: str, until_ms: int) -> bool:
        doc = {"_id": name, "owner": owner, "until_ms": until_ms, "fence": 1, "version": 1}
        try:
            await self._leases.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def _swap(self, current: Document, **changes: object) -> bool:
        new = {**current, **changes, "version": int(current["version"]) + 1}
        result = await self._leases.replace_one(
            {"_id": current["_id"], "version": current["version"]}, new
        )
        return result.matched_count == 1
