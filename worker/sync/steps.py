"""The Zoho side of each step ``decide`` can name, with what each step stores.

The create path is where exactly-once is won or lost: the reference is stored
as an *intent* before the request leaves; a create whose answer never came
leaves the intent marked unknown, and the next attempt waits ``list_lag_wait``
and looks the invoice up by that reference (exact match, all pages, all
statuses) before it may create again. Every write here is fenced: a replica
that lost its lease cannot record anything.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from decimal import Decimal

from ..clock import Clock
from ..domain.decisions import Facts, State
from ..domain.invoice_mapping import InvoiceDraft, payload_fingerprint
from ..domain.invoice_totals import totals_match
from ..store.orders import Intent, InvoiceRef, OrderRecord, OrderRepository
from ..zoho.books import ZohoBooks
from ..zoho.budget import Lane
from ..zoho.errors import OutcomeUnknown, TransientZohoError, ZohoNotFound
from ..zoho.models import Invoice
from .crash import crash_point


class NotYet(TransientZohoError):
    """A looked-for invoice may still be missing from Zoho's lists: try again at ``retry_at_ms``."""


class Settled(Exception):
    """A step reached a final state for this pass."""

    def __init__(self, state: State, reason: str | None = None) -> None:
        super().__init__(state)
        self.state = state
        self.reason = reason


@dataclass(frozen=True)
class Work:
    """One order's pass: who works, under which fence, with what."""

    orders: OrderRepository
    books: ZohoBooks
    clock: Clock
    owner: str
    fence: int
    lane: Lane
    list_lag_wait_ms: int
    draft: InvoiceDraft | None  # None for a deleted order
    reference: str | None
    order_total: Decimal | None

    async def write(self, record: OrderRecord, **changes: object) -> OrderRecord:
        """Store ``changes`` on the freshest copy, if our lease still holds."""
        changes["updated_at_ms"] = self.clock.now_ms()
        return await self.orders.change_fenced(
            record.order_id, self.owner, self.fence, lambda current: current.replace(**changes)
        )


async def lookup(work: Work, record: OrderRecord, facts: Facts) -> tuple[OrderRecord, Facts]:
    """Find the invoice by reference before any create; adopt it when it is there."""
    if record.intent is not None:  # marked unknown, or left by a replica that died mid-create
        ready_at = record.intent.started_ms + work.list_lag_wait_ms
        if work.clock.now_ms() < ready_at:
            raise NotYet("waiting for Zoho's list to show a create that had no answer",
                         retry_at_ms=ready_at)  # fmt: skip
    reference = work.reference or (record.intent.reference if record.intent else None)
    found = await work.books.invoices_by_reference(reference, work.lane) if reference else []
    if len(found) > 1:
        numbers = ", ".join(sorted(invoice.invoice_number for invoice in found))
        raise Settled(
            State.NEEDS_ATTENTION, f"several invoices have reference {reference}: {numbers}"
        )
    if not found:
        record = await work.write(record, intent=None)
        return record, replace(facts, lookup_done=True)
    record = await work.write(record, intent=None, invoice=_ref(work, found[0], fingerprint=None))
    return record, _known(facts, found[0], payload_changed=work.draft is not None)


async def create(work: Work, record: OrderRecord, facts: Facts) -> tuple[OrderRecord, Facts]:
    """Create the draft invoice, with the intent stored first."""
    assert work.draft is not None
    assert work.reference is not None
    crash_point("before_intent")
    intent = Intent(organization_id=work.books.organization_id, reference=work.reference,
                    started_ms=work.clock.now_ms())  # fmt: skip
    record = await work.write(record, intent=intent)
    crash_point("after_intent")
    try:
        invoice = await work.books.create_invoice(work.draft.payload, work.lane)
    except OutcomeUnknown:
        await work.write(record, intent=intent.model_copy(update={"unknown": True}))
        raise
    crash_point("after_create_succeeded")
    fingerprint = payload_fingerprint(work.draft.payload)
    record = await work.write(record, intent=None, invoice=_ref(work, invoice, fingerprint))
    crash_point("after_state_written")
    raise _totals_outcome(work.order_total, invoice)


async def refresh(work: Work, record: OrderRecord, facts: Facts) -> tuple[OrderRecord, Facts]:
    """Read the known invoice: its status now, or that a person deleted it."""
    known = record.invoice
    assert known is not None
    try:
        invoice = await work.books.invoice(known.invoice_id, work.lane)
    except ZohoNotFound:
        record = await work.write(record, invoice=known.model_copy(update={"gone": True}))
        return record, replace(facts, invoice_gone=True, invoice_checked=True)
    current = {"status": invoice.status, "total": str(invoice.total)}
    record = await work.write(record, invoice=known.model_copy(update=current))
    return record, _known(facts, invoice, payload_changed=facts.payload_changed)


async def update(work: Work, record: OrderRecord, facts: Facts) -> tuple[OrderRecord, Facts]:
    """Replace the draft's content in place (never delete and recreate: that burns a number)."""
    assert work.draft is not None
    assert record.invoice is not None
    invoice = await work.books.update_invoice(
        record.invoice.invoice_id, work.draft.payload, work.lane
    )
    fingerprint = payload_fingerprint(work.draft.payload)
    await work.write(record, invoice=_ref(work, invoice, fingerprint))
    raise _totals_outcome(work.order_total, invoice)


async def delete(work: Work, record: OrderRecord, facts: Facts) -> tuple[OrderRecord, Facts]:
    """Delete the draft; one that is already gone counts as deleted."""
    assert record.invoice is not None
    with contextlib.suppress(ZohoNotFound):
        await work.books.delete_invoice(record.invoice.invoice_id, work.lane)
    await work.write(record, invoice=record.invoice.model_copy(update={"gone": True}))
    raise Settled(State.DELETED)


def _ref(work: Work, invoice: Invoice, fingerprint: str | None) -> InvoiceRef:
    return InvoiceRef(
        organization_id=work.books.organization_id,
        invoice_id=invoice.invoice_id,
        invoice_number=invoice.invoice_number,
        status=invoice.status,
        total=str(invoice.total),
        fingerprint=fingerprint,
    )


def _known(facts: Facts, invoice: Invoice, *, payload_changed: bool) -> Facts:
    return replace(
        facts,
        invoice_known=True,
        invoice_number=invoice.invoice_number,
        invoice_status=invoice.status,
        invoice_checked=True,
        invoice_gone=False,
        payload_changed=payload_changed,
        lookup_done=True,
    )


def _totals_outcome(order_total: Decimal | None, invoice: Invoice) -> Settled:
    """SPEC §4: synced only when Zoho's total equals the order's."""
    assert order_total is not None
    if totals_match(order_total, invoice.total):
        return Settled(State.SYNCED)
    return Settled(
        State.NEEDS_ATTENTION,
        f"total mismatch: the order says {_money(order_total)}, Zoho computed "
        f"{_money(invoice.total)}",
    )


def _money(value: Decimal) -> str:
    return f"{value:f}"
