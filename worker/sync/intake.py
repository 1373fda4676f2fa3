"""Taking in an event: store it if it is newer, mark the order due, never call Zoho.

The consumer acknowledges a message once this returns: from then on the event
lives in MongoDB, whatever Zoho does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..domain.ordering import Stamp, Stored, accepts, cancels, is_paid_status
from ..events import Order, OrderEvent
from .ports import AuditLog, OrderStore
from .records import OrderRecord


@dataclass(frozen=True)
class Intake:
    """What storing an event did."""

    outcome: Literal["stored", "stale"]
    record: OrderRecord | None


async def take_in(
    orders: OrderStore, audit: AuditLog, event: OrderEvent, now_ms: int, actor: str
) -> Intake:
    """Store ``event`` if it is newer than what is stored, and make the order due."""
    stamp = Stamp(event.order.revision, int(event.time.timestamp() * 1000))
    is_delete = event.type == "order.deleted"

    def apply(current: OrderRecord | None) -> OrderRecord | None:
        stored = (
            None
            if current is None
            else Stored(Stamp(current.revision, current.event_time_ms), current.deleted)
        )
        if not accepts(stored, stamp, is_delete=is_delete):
            return None
        base = current or OrderRecord(order_id=event.order_id, received_at_ms=now_ms)
        return _applied(base, event, stamp, now_ms)

    record = await orders.change(event.order_id, apply)
    outcome: Literal["stored", "stale"] = "stale" if record is None else "stored"
    await audit.record(
        event.order_id,
        now_ms,
        "event",
        actor,
        event_id=event.event_id,
        type=event.type,
        revision=event.order.revision,
        outcome=outcome,
    )
    return Intake(outcome, record)


def _applied(base: OrderRecord, event: OrderEvent, stamp: Stamp, now_ms: int) -> OrderRecord:
    changes: dict[str, object] = {
        "revision": stamp.revision if stamp.revision is not None else base.revision,
        "event_time_ms": max(stamp.time_ms, base.event_time_ms),
        "work_seq": base.work_seq + 1,
        "due_at_ms": now_ms,
        "updated_at_ms": now_ms,
        "stored_at_ms": now_ms,
    }
    order = event.order
    if event.type == "order.deleted" or (isinstance(order, Order) and cancels(order.status)):
        changes["deleted"] = True
    if isinstance(order, Order):
        changes["snapshot"] = order.model_dump(mode="json")
        if event.type == "order.paid" or is_paid_status(order.status):
            changes["paid"] = True
    if base.state in ("needs_attention", "failed") and not base.reason_from_config:
        changes |= {"reason": None, "attempts": 0}  # an order change clears a person's to-do
    updated = base.replace(**changes)
    if (
        updated.paid
        and not updated.deleted
        and updated.invoice is None
        and base.state == "received"
    ):
        updated = updated.replace(
            state="pending"
        )  # paid and waiting: what the reconciler looks for
    return updated.replace(lane="LIVE")
