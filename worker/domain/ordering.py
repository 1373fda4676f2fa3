"""Which of two events of one order is newer (SPEC §3 "Ordering"), and what an event changes.

Events are compared by ``revision`` when both carry one, otherwise by ``time``.
An event at or below what was stored is stale. A delete is final: nothing
after it revives the order, and a delete without a revision counts as newest.
"""

from __future__ import annotations

from dataclasses import dataclass

CANCELLING_STATUSES = frozenset({"cancelled", "canceled", "refunded"})


@dataclass(frozen=True)
class Stamp:
    """Where an event stands in its order's history."""

    revision: int | None
    time_ms: int


@dataclass(frozen=True)
class Stored:
    """What is stored about an order, as far as ordering is concerned."""

    stamp: Stamp
    deleted: bool


def is_newer(event: Stamp, stored: Stamp) -> bool:
    """True when ``event`` comes after ``stored``."""
    if event.revision is not None and stored.revision is not None:
        return event.revision > stored.revision
    return event.time_ms > stored.time_ms


def accepts(stored: Stored | None, event: Stamp, *, is_delete: bool) -> bool:
    """Whether an event changes what is stored (False: stale, recorded but not acted on)."""
    if stored is None:
        return True
    if stored.deleted:
        return False
    if is_delete and event.revision is None:
        return True
    return is_newer(event, stored.stamp)


def cancels(status: str | None) -> bool:
    """A later status of cancelled or refunded is handled like ``order.deleted``."""
    return (status or "").strip().lower() in CANCELLING_STATUSES


def is_paid_status(status: str | None) -> bool:
    """The snapshot itself says the order is paid."""
    return (status or "").strip().lower() == "paid"
