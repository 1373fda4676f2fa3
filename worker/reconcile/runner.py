"""Periodic passes on exactly one replica at a time.

Every replica wakes up each interval and tries the leader lease (a named
lease in MongoDB: it outlives no holder — a killed leader's lease expires and
another replica takes over). The holder runs a pass only if none started in
the last interval, renews the lease while the pass runs, and releases it.
A manual pass (``POST /api/reconcile``, ``zbsync reconcile``) takes the same lease
under its own owner name, so it never runs beside another pass — not even this
replica's periodic one — and says so when one is running.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol

import structlog

from ..clock import Clock
from ..sync.ports import LeaseStore
from .passes import PassSummary
from .ports import ReconcilerState

log = structlog.get_logger(__name__)
MANUAL_SUFFIX = ":manual"


class PassRunning(Exception):
    """A pass holds the reconciler's leader lease (on this or another replica)."""


class Pass(Protocol):
    """One pass over the organization (``passes.ReconcilePass``)."""

    async def run(self, *, manual: bool) -> PassSummary:
        """Run it now; its summary."""
        ...


class Reconciler:
    """The reconciler of one replica."""

    def __init__(
        self,
        reconcile: Pass,
        leases: LeaseStore,
        store: ReconcilerState,
        clock: Clock,
        *,
        organization_id: str,
        owner: str,
        interval_ms: int,
        lease_ttl_ms: int = 30_000,
    ) -> None:
        self._reconcile, self._leases, self._store, self._clock = reconcile, leases, store, clock
        self._org, self._owner = organization_id, owner
        self._interval_ms, self._lease_ttl_ms = interval_ms, lease_ttl_ms
        self._lease = f"reconciler:{organization_id}"

    async def run_forever(self) -> None:
        """Try a pass every interval until cancelled."""
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("reconciler pass failed")
            await self._clock.sleep(self._interval_ms / 1000)

    async def tick(self) -> PassSummary | None:
        """Run a periodic pass if this replica leads and one is due; its summary, or None."""
        async with self._leading(self._owner) as leading:
            if not leading:
                return None
            last = int((await self._store.state(self._org)).get("last_started_ms", 0))
            if self._clock.now_ms() - last < self._interval_ms:
                return None  # another replica ran this interval's pass
            await self._store.set_state(self._org, last_started_ms=self._clock.now_ms())
            return await self._reconcile.run(manual=False)

    async def run_now(self) -> PassSummary:
        """A manual pass now, under the leader lease; ``PassRunning`` while a pass holds it."""
        async with self._leading(self._owner + MANUAL_SUFFIX) as leading:
            if not leading:
                raise PassRunning("a reconciler pass is running; try again when it has ended")
            return await self._reconcile.run(manual=True)

    @contextlib.asynccontextmanager
    async def _leading(self, owner: str) -> AsyncIterator[bool]:
        """Whether ``owner`` took the leader lease; held and renewed until the block ends."""
        if not await self._take_lease(owner):
            yield False
            return
        renewing = asyncio.create_task(self._renew(owner))
        try:
            yield True
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            await self._leases.release(self._lease, owner)

    async def _take_lease(self, owner: str) -> bool:
        now = self._clock.now_ms()
        return await self._leases.acquire(self._lease, owner, self._lease_ttl_ms, now) is not None

    async def _renew(self, owner: str) -> None:
        while True:
            await self._clock.sleep(self._lease_ttl_ms / 3000)
            if not await self._take_lease(owner):
                log.warning("reconciler lease lost during a pass")
                return
