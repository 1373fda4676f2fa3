"""The per-customer lease, held while a contact is found, created or written back (SPEC §4).

Taken from ``LeaseStore`` with a fence and renewed in the background every third
of its TTL; right before each Zoho write and before the link is saved,
``guard`` renews it once more (fenced), so a write starts with a full TTL
ahead. When a renewal fails -- the lease expired, was taken by another replica
or MongoDB did not answer -- the work under it is cancelled (also while it
waits for budget or for Zoho) and ends in ``CustomerLeaseLost``: nothing more is
written under a lease that may be someone else's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

import structlog

from ..clock import Clock
from ..zoho.errors import TransientZohoError
from .ports import LeaseStore

log = structlog.get_logger(__name__)
T = TypeVar("T")


class CustomerBusy(TransientZohoError):
    """Another replica is resolving this customer's contact; try again shortly."""


class CustomerLeaseLost(TransientZohoError):
    """The customer lease could not be renewed; the contact step stopped before writing more."""


class CustomerLease:
    """One hold of a customer's lease: its fence, its renewal, its guard."""

    def __init__(
        self, leases: LeaseStore, clock: Clock, name: str, owner: str, *, fence: int, ttl_ms: int
    ) -> None:
        self._leases, self._clock = leases, clock
        self._name, self._owner, self._fence, self._ttl_ms = name, owner, fence, ttl_ms
        self._lost = False

    @classmethod
    async def take(
        cls, leases: LeaseStore, clock: Clock, name: str, owner: str, *, ttl_ms: int, wait_ms: int
    ) -> CustomerLease:
        """Acquire the lease, waiting up to ``wait_ms`` for another holder; ``CustomerBusy``."""
        deadline = clock.now_ms() + wait_ms
        while (fence := await leases.acquire(name, owner, ttl_ms, clock.now_ms())) is None:
            if clock.now_ms() > deadline:
                raise CustomerBusy("another replica is creating this customer's contact")
            await clock.sleep(0.05)
        return cls(leases, clock, name, owner, fence=fence, ttl_ms=ttl_ms)

    async def keep(self, work: Awaitable[T]) -> T:
        """Run ``work`` while renewing the lease; ``CustomerLeaseLost`` if a renewal fails."""
        task = asyncio.ensure_future(work)
        renewing = asyncio.create_task(self._renew_until_lost(task))
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if self._lost and not (current and current.cancelling()):
                raise CustomerLeaseLost("the customer lease was lost while working") from None
            raise
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def guard(self) -> None:
        """Before a write: renew the lease now, or raise ``CustomerLeaseLost``."""
        try:
            renewed = not self._lost and await self._renew()
        except Exception as exc:
            self._lost = True
            raise CustomerLeaseLost("the customer lease could not be renewed") from exc
        if not renewed:
            self._lost = True
            raise CustomerLeaseLost("the customer lease was lost before a write")

    async def release(self) -> None:
        """Give the lease up (a no-op if it already moved on)."""
        await self._leases.release(self._name, self._owner)

    async def _renew(self) -> bool:
        now = self._clock.now_ms()
        return await self._leases.renew(self._name, self._owner, self._fence, self._ttl_ms, now)

    async def _renew_until_lost(self, work: asyncio.Future[T]) -> None:
        while True:
            await self._clock.sleep(self._ttl_ms / 3000)
            try:
                renewed = await self._renew()
            except Exception:  # unconfirmed is as good as lost: stop before it lapses
                log.exception("customer lease renewal failed", fence=self._fence)
                renewed = False
            if not renewed:
                self._lost = True
                work.cancel()
                return
