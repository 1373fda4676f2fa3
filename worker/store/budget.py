"""The per-organization request budget in MongoDB, shared by every replica.

One document per organization in ``zoho_budgets``::

    {_id: <organization id>, version: Int64,
     stamps: [Int64 ms, ...],              # grants inside the sliding window, oldest first
     day: Int64, day_count: Int64,         # day index (now_ms // day_ms) and grants that day
     holders: [{holder_id, owner, expires_ms: Int64}, ...],   # in-flight slots
     blocked_until_ms: Int64,              # code 44: nobody asks before this
     paused_until_ms: Int64}               # code 45 (absent when not paused)

Every change reads the document, applies a pure rule from
``worker.domain.budget_ledger`` and writes the whole document back with
``replace_one({"_id": id, "version": v}, ...)``; a replica that loses the race
reads again. Only forms that behave the same on MongoDB and nx-27017 are used
(see ``../shared/mongodb-in-tests.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from bson import Int64
from pymongo.errors import DuplicateKeyError

from ..domain.budget_ledger import (
    Ask,
    BudgetLimits,
    BudgetState,
    BudgetUsage,
    Granted,
    Holder,
    Refused,
    hold_off,
    pause,
    release,
    release_and_grant,
    usage,
)
from .mongo import ZOHO_BUDGETS, Database, Document

T = TypeVar("T")
Transition = Callable[[BudgetState], tuple[BudgetState | None, T]]
MAX_ATTEMPTS = 100


class BudgetContention(RuntimeError):
    """The budget document kept changing under us; far more replicas than expected."""


class BudgetRepository:
    """Reads and changes organizations' budgets by compare-and-swap.

    Implements ``worker.zoho.ports.BudgetStore``.
    """

    def __init__(self, database: Database) -> None:
        self._collection = database[ZOHO_BUDGETS]

    async def acquire(
        self, organization_id: str, ask: Ask, releasing: Collection[str] = ()
    ) -> Granted | Refused:
        """Count one request and hold an in-flight slot, or say why not and until when.

        ``releasing``: slots this replica gives back in the same write.
        """
        return await self._change(
            organization_id, lambda state: release_and_grant(state, ask, releasing)
        )

    async def release(
        self, organization_id: str, holder_ids: Collection[str], *, probe_succeeded: bool = False
    ) -> None:
        """Give back in-flight slots in one write; a successful probe also ends a code-45 pause."""

        def step(state: BudgetState) -> tuple[BudgetState | None, None]:
            return release(state, holder_ids, probe_succeeded=probe_succeeded), None

        await self._change(organization_id, step)

    async def hold_off(self, organization_id: str, until_ms: int) -> None:
        """Code 44: no replica asks before ``until_ms``."""
        await self._change(organization_id, lambda state: (hold_off(state, until_ms), None))

    async def pause(self, organization_id: str, until_ms: int) -> None:
        """Code 45: automatic lanes stop until ``until_ms``, then one probes."""
        await self._change(organization_id, lambda state: (pause(state, until_ms), None))

    async def usage(self, organization_id: str, now_ms: int, limits: BudgetLimits) -> BudgetUsage:
        """Requests in the window ending now, today, and in flight."""
        _, state = await self._load(organization_id)
        return usage(state, now_ms, limits)

    async def _change(self, organization_id: str, transition: Transition[T]) -> T:
        for _ in range(MAX_ATTEMPTS):
            version, state = await self._load(organization_id)
            changed, result = transition(state)
            if changed is None or await self._store(organization_id, version, changed):
                return result
        raise BudgetContention(f"budget of {organization_id} changed {MAX_ATTEMPTS} times")

    async def _load(self, organization_id: str) -> tuple[int, BudgetState]:
        document = await self._collection.find_one({"_id": organization_id})
        if document is None:
            return 0, BudgetState()
        return int(document["version"]), _state(document)

    async def _store(self, organization_id: str, version: int, state: BudgetState) -> bool:
        document = _document(organization_id, version + 1, state)
        if version == 0:
            try:
                await self._collection.insert_one(document)
            except DuplicateKeyError:
                return False
            return True
        outcome = await self._collection.replace_one(
            {"_id": organization_id, "version": Int64(version)}, document
        )
        return outcome.matched_count == 1


def _document(organization_id: str, version: int, state: BudgetState) -> Document:
    document: Document = {
        "_id": organization_id,
        "version": Int64(version),
        "stamps": [Int64(s) for s in state.stamps],
        "day": Int64(state.day),
        "day_count": Int64(state.day_count),
        "holders": [_holder_document(h) for h in state.holders],
        "blocked_until_ms": Int64(state.blocked_until_ms),
    }
    if state.paused_until_ms is not None:
        document["paused_until_ms"] = Int64(state.paused_until_ms)
    return document


def _holder_document(holder: Holder) -> Document:
    return {
        "holder_id": holder.holder_id,
        "owner": holder.owner,
        "expires_ms": Int64(holder.expires_ms),
    }


def _state(document: Document) -> BudgetState:
    paused = document.get("paused_until_ms")
    return BudgetState(
        stamps=tuple(int(s) for s in document.get("stamps", [])),
        day=int(document.get("day", 0)),
        day_count=int(document.get("day_count", 0)),
        holders=tuple(_holder(h) for h in document.get("holders", [])),
        blocked_until_ms=int(document.get("blocked_until_ms", 0)),
        paused_until_ms=int(paused) if paused is not None else None,
    )


def _holder(document: dict[str, Any]) -> Holder:
    return Holder(str(document["holder_id"]), str(document["owner"]), int(document["expires_ms"]))
