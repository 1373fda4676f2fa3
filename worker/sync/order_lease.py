"""The lease a replica holds on one order while it works on it (SPEC §3 "Per-order lease").

Taken (``take_order_lease``) with a fence that grows with every new holder,
renewed in the background while the work runs, released at the end. Every state
write is fenced: it sticks
only while this holder still holds the lease. Before each Zoho write the pass
calls ``before_send``: a fenced write that extends the lease, so the request
leaves only while the lease provably holds for longer than the request can take.
A renewal that fails for any reason stops the pass before its next Zoho write.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import structlog

from ..clock import Clock
from ..domain.create_timing import may_send, unknown_since_takeover_ms
from .errors import LeaseLost
from .ports import OrderStore
from .records import Intent, OrderRecord

log = structlog.get_logger(__name__)
Mutation = Callable[[OrderRecord], OrderRecord]


class OrderLease:
    """One holder's lease on one order."""

    def __init__(
        self,
        orders: OrderStore,
        clock: Clock,
        record: OrderRecord,
        *,
        ttl_ms: int,
        request_timeout_ms: int,
    ) -> None:
        assert record.lease_owner is not None
        self._orders, self._clock = orders, clock
        self.order_id, self.holder, self.fence = record.order_id, record.lease_owner, record.fence
        self._ttl_ms, self._request_timeout_ms = ttl_ms, request_timeout_ms
        self._until_ms = record.lease_until_ms
        self._broken: str | None = None

    async def write(self, **changes: Any) -> OrderRecord:
        """Store ``changes`` on the freshest copy, if the lease still holds."""
        return await self.change(lambda current: current.replace(**changes))

    async def change(self, mutate: Mutation) -> OrderRecord:
        """Apply ``mutate`` to the freshest copy, if the lease still holds."""
        now = self._clock.now_ms()
        return await self._orders.change_fenced(
            self.order_id, self.holder, self.fence, lambda r: mutate(r).replace(updated_at_ms=now)
        )

    async def before_send(self, mutate: Mutation | None = None) -> OrderRecord:
        """Prove and extend the lease right before a Zoho write (storing ``mutate`` with it).

        ``LeaseLost`` when the lease moved on, its renewal failed, or it would not outlast
        the request: then the request must not leave.
        """
        if self._broken is not None:
            raise LeaseLost(f"{self.order_id}: {self._broken}")
        until = self._clock.now_ms() + self._ttl_ms
        record = await self._orders.change_fenced(
            self.order_id,
            self.holder,
            self.fence,
            lambda r: (mutate(r) if mutate else r).replace(lease_until_ms=until),
        )
        self._until_ms = max(self._until_ms, until)
        if not may_send(
            now_ms=self._clock.now_ms(),
            lease_until_ms=self._until_ms,
            request_timeout_ms=self._request_timeout_ms,
        ):
            raise LeaseLost(f"{self.order_id}: the lease would expire before the request ends")
        return record

    @contextlib.asynccontextmanager
    async def renewed(self) -> AsyncIterator[OrderLease]:
        """Renew in the background for the block; release at its end."""
        renewing = asyncio.create_task(self._renew(), name=f"lease-{self.order_id}")
        try:
            yield self
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            await self._release()

    async def _renew(self) -> None:
        while True:
            await self._clock.sleep(self._ttl_ms / 3000)
            until = self._clock.now_ms() + self._ttl_ms
            try:
                await self._extend(until)
            except LeaseLost:
                self._broken = "the lease was taken over"
                return
            except Exception as exc:
                self._broken = f"renewing the lease failed: {type(exc).__name__}"
                log.warning("order lease renewal failed", error=repr(exc))
                return
            self._until_ms = until

    async def _extend(self, until_ms: int) -> None:
        await self._orders.change_fenced(
            self.order_id, self.holder, self.fence, lambda r: r.replace(lease_until_ms=until_ms)
        )

    async def _release(self) -> None:
        try:
            await self._orders.change_fenced(
                self.order_id,
                self.holder,
                self.fence,
                lambda r: r.replace(lease_owner=None, lease_until_ms=0),
            )
        except LeaseLost:
            pass
        except Exception as exc:
            log.warning("order lease not released", error=repr(exc))


async def take_order_lease(
    orders: OrderStore,
    clock: Clock,
    order_id: str,
    holder: str,
    *,
    manual: bool,
    ttl_ms: int,
    request_timeout_ms: int,
) -> tuple[OrderLease, OrderRecord] | None:
    """Take the order's lease (a new fence), or None while another holder has it.

    A create the previous holder sent without learning its outcome becomes unknown from
    when that holder's lease ran out: until then it could still have been sending.
    """

    def take(current: OrderRecord | None) -> OrderRecord | None:
        now = clock.now_ms()
        if current is None:
            return None
        if current.lease_owner is not None and current.lease_until_ms > now:
            return None  # the holder re-reads and sees what was stored meanwhile
        return current.replace(
            lease_owner=holder,
            manual=current.manual or manual,
            lease_until_ms=now + ttl_ms,
            fence=current.fence + 1,
            intent=_inherited(current, request_timeout_ms),
        )

    record = await orders.change(order_id, take)
    if record is None:
        return None
    lease = OrderLease(orders, clock, record, ttl_ms=ttl_ms, request_timeout_ms=request_timeout_ms)
    return lease, record


def _inherited(current: OrderRecord, request_timeout_ms: int) -> Intent | None:
    intent = current.intent
    if intent is None or intent.sent_ms is None or intent.unknown_at_ms is not None:
        return intent
    since = unknown_since_takeover_ms(
        sent_ms=intent.sent_ms,
        previous_lease_until_ms=current.lease_until_ms,
        request_timeout_ms=request_timeout_ms,
    )
    return intent.model_copy(update={"unknown_at_ms": since})
