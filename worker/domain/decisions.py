"""What to do with an order next: SPEC §3's table as one pure function.

``decide`` looks at what is stored about an order (paid? deleted? which invoice,
in which Zoho status? a create whose outcome is unknown?) and at who asks
(automatic or a person) and names one next step. The sync service carries the
step out, stores the outcome, and asks again until nothing is left to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """What an order shows (SPEC §3)."""

    RECEIVED = "received"  # stored, nothing to do yet
    PENDING = "pending"  # paid, waiting for auto sync or a manual action
    SYNCING = "syncing"
    SYNCED = "synced"  # invoice id + number; Zoho's total equals the order's
    LOCKED = "locked"  # the invoice is no longer a draft
    DELETED = "deleted"
    FAILED = "failed"  # transient; retried at next_attempt_at
    NEEDS_ATTENTION = "needs_attention"  # needs a person; reason says why


class Step(StrEnum):
    """The next thing to do for an order."""

    LOOKUP = "lookup"  # find the invoice by reference before any create
    CREATE = "create"
    REFRESH = "refresh"  # read the known invoice: is it still a draft? does it still exist?
    UPDATE = "update"
    DELETE = "delete"
    SETTLE = "settle"  # no Zoho call: just record the state below


@dataclass(frozen=True)
class Facts:
    """What the decision needs to know about one order."""

    paid: bool
    deleted: bool  # a delete, or a later status cancelled / refunded
    has_snapshot: bool
    invoice_known: bool
    invoice_number: str | None
    invoice_status: str | None  # Zoho's status as last read
    invoice_checked: bool  # read from Zoho during this pass
    invoice_gone: bool  # Zoho said the known invoice does not exist (Generate clears it)
    payload_changed: bool  # the mapped payload differs from what was last written
    lookup_done: bool  # looked up by reference during this pass
    auto_sync: bool
    manual: bool  # a person asked (Generate / Update / Delete)
    # A person asked to delete the invoice (Delete): it goes like a deleted order's, and
    # stays gone until a person asks for it again (Generate).
    withdrawn: bool = False


@dataclass(frozen=True)
class Decision:
    """The next step, and for ``SETTLE`` the state (and reason) to record."""

    step: Step
    state: State | None = None
    reason: str | None = None


def decide(facts: Facts) -> Decision:
    """The next step for an order, given what is known now."""
    if not facts.auto_sync and not facts.manual:
        return _waiting(facts)
    if facts.deleted or facts.withdrawn:
        return _deleted(facts)
    if not facts.paid or not facts.has_snapshot:
        return Decision(Step.SETTLE, State.RECEIVED)
    return _paid(facts)


def _waiting(facts: Facts) -> Decision:
    if facts.withdrawn:
        gone = not facts.invoice_known or facts.invoice_gone
        return Decision(Step.SETTLE, State.DELETED if gone else State.PENDING)
    if facts.deleted:
        return Decision(Step.SETTLE, State.DELETED if not facts.invoice_known else State.PENDING)
    if facts.paid and facts.has_snapshot and not facts.invoice_known:
        return Decision(Step.SETTLE, State.PENDING)
    if facts.paid and facts.invoice_known and facts.payload_changed:
        return Decision(Step.SETTLE, State.PENDING)
    return Decision(Step.SETTLE, State.SYNCED if facts.invoice_known else State.RECEIVED)


def _deleted(facts: Facts) -> Decision:
    if not facts.invoice_known:
        if not facts.lookup_done:
            return Decision(Step.LOOKUP)
        return Decision(Step.SETTLE, State.DELETED)
    if facts.invoice_gone:
        return Decision(Step.SETTLE, State.DELETED)
    if not facts.invoice_checked:
        return Decision(Step.REFRESH)
    if facts.invoice_status == "draft":
        return Decision(Step.DELETE)
    return _not_deletable(facts)


def _not_deletable(facts: Facts) -> Decision:
    """The invoice is no longer a draft: a deleted order needs a person; a Delete is refused."""
    invoice = f"{facts.invoice_number} is {facts.invoice_status}"
    if facts.withdrawn and not facts.deleted:
        return Decision(Step.SETTLE, State.LOCKED, f"{invoice}: only a draft can be deleted")
    reason = f"{invoice}: void it or issue a credit note in Zoho"
    return Decision(Step.SETTLE, State.NEEDS_ATTENTION, reason)


def _paid(facts: Facts) -> Decision:
    if not facts.invoice_known:
        return Decision(Step.CREATE) if facts.lookup_done else Decision(Step.LOOKUP)
    if facts.invoice_gone:  # a person deleted it in Zoho; only Generate recreates it
        return Decision(Step.SETTLE, State.NEEDS_ATTENTION, "deleted in Zoho")
    if not facts.payload_changed:
        return Decision(Step.SETTLE, _settled_state(facts.invoice_status))
    if not facts.invoice_checked:
        return Decision(Step.REFRESH)
    if facts.invoice_status != "draft":
        return Decision(Step.SETTLE, State.LOCKED, f"the invoice is {facts.invoice_status}")
    return Decision(Step.UPDATE)


def _settled_state(invoice_status: str | None) -> State:
    return State.SYNCED if invoice_status in (None, "draft") else State.LOCKED
