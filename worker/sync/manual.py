"""A person's Generate / Update / Delete, on the same per-order path as events.

The request is first recorded on the order (``manual``, made due, a new
``work_seq``; a Delete also ``invoice_withdrawn``), checked against the order's
state in the same compare-and-swap write. Then this process runs the order's pass
(``OrderSync.sync(..., manual=True)``). When another replica holds the order the
request stays recorded and that holder carries it out: its loop re-reads the
order and sees new work. Manual actions write to Zoho with auto sync off too.
A Generate may bring the order's snapshot: it is taken in like an event first
(stored only if newer than what is stored).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from ..clock import Clock
from ..domain.lanes import Lane
from ..events import Order, OrderEvent
from .intake import take_in
from .ports import AuditLog, OrderStore
from .records import OrderRecord
from .service import OrderSync

Request = Callable[[OrderRecord], OrderRecord]  # checks the order's state, records the request


class UnknownOrder(Exception):
    """No order with this id is stored."""


class NotAllowed(Exception):
    """The action is not allowed in the order's state; the message says why."""


@dataclass(frozen=True)
class ManualResult:
    """The order after the request: ``carried_out`` False while another replica holds it."""

    record: OrderRecord
    carried_out: bool
    snapshot: Literal["stored", "stale"] | None = None  # what became of a snapshot brought


class ManualActions:
    """What the admin API (and the CLI) call to act on one order now."""

    def __init__(
        self, orders: OrderStore, audit: AuditLog, service: OrderSync, clock: Clock
    ) -> None:
        self._orders = orders
        self._audit = audit
        self._service = service
        self._clock = clock

    async def generate(
        self, order_id: str, actor: str, snapshot: Order | None = None
    ) -> ManualResult:
        """Create or update the order's invoice now (recreating one deleted in Zoho), from
        ``snapshot`` when it is newer than the stored order."""
        if snapshot is None:
            return await self._act(order_id, actor, "generate", _generate)
        if snapshot.id != order_id:
            raise ValueError("the snapshot is of another order")
        intake = await take_in(
            self._orders, self._audit, self._event(snapshot, actor), self._clock.now_ms(), actor
        )
        result = await self._act(order_id, actor, "generate", _generate)
        return ManualResult(result.record, result.carried_out, intake.outcome)

    async def delete_invoice(self, order_id: str, actor: str) -> ManualResult:
        """Delete the order's draft invoice in Zoho; it stays deleted until Generate."""
        return await self._act(order_id, actor, "delete", _withdraw)

    async def _act(self, order_id: str, actor: str, action: str, request: Request) -> ManualResult:
        now = self._clock.now_ms()

        def record_request(current: OrderRecord | None) -> OrderRecord:
            if current is None:
                raise UnknownOrder(order_id)
            return request(current).replace(
                manual=True,
                work_seq=current.work_seq + 1,
                due_at_ms=now,
                lane=Lane.MANUAL.name,
                updated_at_ms=now,
            )

        await self._orders.change(order_id, record_request)
        await self._audit.record(order_id, now, "manual", actor, action=action)
        carried_out = await self._service.sync(order_id, Lane.MANUAL, actor, manual=True)
        record = await self._orders.load(order_id)
        assert record is not None  # orders are never removed
        return ManualResult(record, carried_out)

    def _event(self, snapshot: Order, actor: str) -> OrderEvent:
        """A person's snapshot, as an event at this moment (ordered by revision when it has one)."""
        return OrderEvent(
            event_id=f"manual:{uuid.uuid4().hex}",
            source=actor,
            type="order.updated",
            time=datetime.fromtimestamp(self._clock.now_ms() / 1000, UTC),
            order=snapshot,
        )


def _generate(current: OrderRecord) -> OrderRecord:
    if current.deleted:
        raise NotAllowed("the order is deleted")
    if not current.paid or current.snapshot is None:
        raise NotAllowed("the order is not paid")
    return current.replace(invoice_withdrawn=False)


def _withdraw(current: OrderRecord) -> OrderRecord:
    invoice = current.invoice
    if invoice is None or invoice.gone:
        raise NotAllowed("the order has no invoice in Zoho")
    if invoice.status != "draft":
        raise NotAllowed(
            f"{invoice.invoice_number} is {invoice.status}: only a draft can be deleted"
        )
    return current.replace(invoice_withdrawn=True)
