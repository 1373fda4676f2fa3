"""One writer per process: this process's releases and grants reach the shared store together.

Every change is a compare-and-swap on the organization's one document, so a
process's own releases and its head waiter's grant would mostly race each
other. Instead a release joins a pending set, and whoever holds the lock next —
the head waiter asking for a slot, or a releasing caller — writes the whole set
along with its own change. A caller whose release an earlier write carried just
returns.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from .ports import BudgetStore


class ReleaseBatcher:
    """Gives back this process's in-flight slots, batched."""

    def __init__(self, repository: BudgetStore, organization_id: str) -> None:
        self._repository = repository
        self._organization_id = organization_id
        self._pending: set[str] = set()
        self._writing = asyncio.Lock()

    async def release(self, holder_id: str) -> None:
        """Return once ``holder_id`` is gone from the shared document."""
        self._pending.add(holder_id)
        async with self.carrying() as batch:
            if holder_id in batch:
                await self._repository.release(self._organization_id, batch)

    @contextlib.asynccontextmanager
    async def carrying(self) -> AsyncIterator[frozenset[str]]:
        """Be this process's only writer for the block, taking every pending release along.

        If the block fails, the releases stay pending for the next writer.
        """
        async with self._writing:
            batch, self._pending = frozenset(self._pending), set()
            try:
                yield batch
            except BaseException:
                self._pending |= batch
                raise
