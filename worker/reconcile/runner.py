"""Periodic passes on exactly one replica at a time.

Every replica wakes up each interval and tries the leader lease (a named
lease in MongoDB: it outlives no holder — a killed leader's lease expires and
another replica takes over). The holder runs a pass only if none started in
the last interval, renews the lease while the pass runs, and releases it.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from ..clock import Clock
from ..sync.ports import LeaseStore
from .passes import PassSummary, ReconcilePass
from .ports import ReconcilerState

log = structlog.get_logger(__name__)


class Reconciler:
    """The reconciler of one replica."""

    def __init__(
        self,
        reconcile: ReconcilePass,
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
        if not await self._take_lease():
            return None
        renewing = asyncio.create_task(self._renew())
        try:
            last = int((await self._store.state(self._org)).get("last_started_ms", 0))
            if self._clock.now_ms() - last < self._interval_ms:
                return None  # another replica ran this interval's pass
            await self._store.set_state(self._org, last_started_ms=self._clock.now_ms())
            return await self._reconcile.run(manual=False)
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            await self._leases.release(self._lease, self._owner)

    async def _take_lease(self) -> bool:
        now = self._clock.now_ms()
        return (
            await self._leases.acquire(self._lease, self._owner, self._lease_ttl_ms, now)
            is not None
        )

    async def _renew(self) -> None:
        while True:
            await self._clock.sleep(self._lease_ttl_ms / 3000)
            if not await self._take_lease():
                log.warning("reconciler lease lost during a pass")
                return
