"""The Zoho side of each step ``decide`` can name, with what each step stores.

The create path is where exactly-once is won or lost: the reference is stored
as an *intent* before the create; the moment the request actually leaves (after
the token and budget waits) is stamped on it inside the budget slot, with a
fenced write that also extends the order's lease. A definite refusal clears the
intent; a create whose answer never came marks it unknown, and the next
attempt waits ``list_lag_wait`` from then and looks the invoice up in Zoho by
the intent's reference (exact match, all pages, all statuses) before it may
create again. Any other lookup asks the invoice index (``invoice_index``), which
costs no Zoho call once this process has checked it against Zoho. Every write
here is fenced: a replica that lost its lease can neither record anything nor
send a Zoho write.
In upsert mode a create is an upsert, and a lost answer needs no lookup
(``upsert_create``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from decimal import Decimal

from ..clock import Clock
from ..domain.create_timing import lookup_ready_at_ms
from ..domain.decisions import Facts, State
from ..domain.invoice_mapping import InvoiceDraft, payload_fingerprint
from ..domain.invoice_totals import totals_match
from ..domain.lanes import Lane
from ..negative_controls import skip_lookup
from ..zoho.errors import OutcomeUnknown, TransientZohoError, ZohoError, ZohoNotFound
from ..zoho.models import Invoice
from . import upsert_create
from .crash import crash_point
from .invoice_index import InvoiceIndex
from .order_lease import OrderLease
from .ports import Books
from .records import Intent, InvoiceRef, OrderRecord

INDEX_WAIT_MS = 500


class NotYet(TransientZohoError):
    """A looked-for invoice may still be missing from Zoho's lists: try again at ``retry_at_ms``."""


@dataclass(frozen=True)
class Continue:
    """The step is done; the pass goes on with what is stored and known now."""

    record: OrderRecord
    facts: Facts


@dataclass(frozen=True)
class Settle:
    """The step reached a final state for this pass."""

    state: State
    reason: str | None = None


StepResult = Continue | Settle


@dataclass(frozen=True)
class Target:
    """The invoice a paid order should have: the mapped draft and the shop's total."""

    draft: InvoiceDraft
    total: Decimal


@dataclass(frozen=True)
class Work:
    """One order's pass: under which lease, with what."""

    lease: OrderLease
    books: Books
    clock: Clock
    lane: Lane
    list_lag_wait_ms: int
    request_timeout_ms: int
    reference: str
    target: Target | None  # None unless a paid order may be written to Zoho
    index: InvoiceIndex
    upsert_field: str | None = None  # creates upsert by this unique custom field (upsert mode)

    async def write(self, **changes: object) -> OrderRecord:
        """Store ``changes`` on the freshest copy, if our lease still holds."""
        return await self.lease.write(**changes)

    async def before_write(self) -> None:
        """Right before a Zoho update or delete leaves: the lease must outlast it."""
        await self.lease.before_send()


async def lookup(work: Work, record: OrderRecord, facts: Facts) -> StepResult:
    """Find the invoice by reference before any create; adopt it when it is there.

    The index answers without a Zoho call once this process has checked it against Zoho;
    a create whose request left (its outcome unknown), or a person asking, looks in Zoho.
    In upsert mode nothing is looked up in Zoho: the create is idempotent there.
    """
    sent = record.intent if record.intent and record.intent.sent_ms is not None else None
    if sent is not None and skip_lookup():  # test-only negative control: create again blindly
        record = await work.write(intent=None)
        return Continue(record, replace(facts, lookup_done=True))
    upserts = upsert_create.skips_lookup(work.upsert_field, record, work.reference)
    if upserts and (sent is not None or not work.index.checked):
        return Continue(record, replace(facts, lookup_done=True))
    if sent is None and (upserts or not facts.manual) and work.index.checked:
        reference = work.reference
        found = await work.index.find(reference)
    elif sent is None and not facts.manual and work.index.underway:
        # A first import reads 200 invoices a call: cheaper to wait for it than to look up.
        retry_at = work.clock.now_ms() + INDEX_WAIT_MS
        raise NotYet("waiting for the invoice index to be checked", retry_at_ms=retry_at)
    else:
        if sent is not None:
            assert sent.sent_ms is not None
            _wait_for_the_list(work, sent.sent_ms, sent.unknown_at_ms)
        # The reference a lost create carried, not one rendered now from a newer template.
        reference = sent.reference if sent is not None else work.reference
        found = await work.books.invoices_by_reference(reference, work.lane)
        await work.index.agree(reference, found)
    if len(found) > 1:
        numbers = ", ".join(sorted(invoice.invoice_number for invoice in found))
        return Settle(
            State.NEEDS_ATTENTION, f"several invoices have reference {reference}: {numbers}"
        )
    if not found:
        record = await work.write(intent=None)
        return Continue(record, replace(facts, lookup_done=True))
    if sent is not None and _made_by(sent, found[0], work.target):
        assert work.target is not None
        await work.write(intent=None, invoice=_ref(work, found[0], sent.fingerprint))
        return _totals_outcome(work.target.total, found[0])
    record = await work.write(intent=None, invoice=_ref(work, found[0], fingerprint=None))
    return Continue(record, _known(facts, found[0], payload_changed=work.target is not None))


def _made_by(sent: Intent, invoice: Invoice, target: Target | None) -> bool:
    """Whether ``invoice`` is what the lost create made from the payload the order maps to now:
    still a draft, so there is nothing to read or update."""
    if target is None or sent.fingerprint is None or not invoice.is_draft:
        return False
    return sent.fingerprint == payload_fingerprint(target.draft.payload)


def _wait_for_the_list(work: Work, sent_ms: int, unknown_at_ms: int | None) -> None:
    ready_at = lookup_ready_at_ms(
        sent_ms=sent_ms,
        unknown_at_ms=sent_ms if unknown_at_ms is None else unknown_at_ms,
        list_lag_wait_ms=work.list_lag_wait_ms,
        request_timeout_ms=work.request_timeout_ms,
    )
    if work.clock.now_ms() < ready_at:
        raise NotYet(
            "waiting for Zoho's list to show a create that had no answer", retry_at_ms=ready_at
        )


async def create(work: Work, record: OrderRecord, facts: Facts) -> StepResult:
    """Create the draft invoice: intent stored first, its departure stamped as it leaves.

    In upsert mode the request is an upsert (``upsert_create``), repeating an earlier one
    whose answer was lost under that one's intent.
    """
    assert work.target is not None
    crash_point("before_intent")
    earlier = upsert_create.earlier_upsert(record, work.upsert_field)
    intent = earlier or upsert_create.new_intent(
        work.books.organization_id, work.reference, work.clock.now_ms(), work.upsert_field
    )
    fingerprint = payload_fingerprint(work.target.draft.payload)
    intent = intent.model_copy(update={"fingerprint": fingerprint})
    await work.write(intent=intent)
    crash_point("after_intent")

    async def leaving() -> None:
        now = work.clock.now_ms()
        await work.lease.before_send(lambda r: r.replace(intent=_stamped(r, intent, now)))

    try:
        invoice = await upsert_create.send(
            work.books, work.target.draft.payload, intent, work.lane, leaving
        )
    except OutcomeUnknown:
        now = work.clock.now_ms()
        await work.lease.change(lambda r: r.replace(intent=_unknown(r, now)))
        raise
    except ZohoError:
        # This attempt was refused or never left: nothing of it exists to look for (an
        # earlier upsert whose answer was lost may, so its intent stays).
        await work.write(intent=earlier)
        raise
    crash_point("after_create_succeeded")
    await work.index.remember(invoice, intent.reference)
    await work.write(intent=None, invoice=_ref(work, invoice, fingerprint))
    crash_point("after_state_written")
    return _totals_outcome(work.target.total, invoice)


def _stamped(current: OrderRecord, intent: Intent, now_ms: int) -> Intent:
    return (current.intent or intent).model_copy(update={"sent_ms": now_ms})


def _unknown(current: OrderRecord, now_ms: int) -> Intent | None:
    if current.intent is None:
        return None
    return current.intent.model_copy(update={"unknown_at_ms": now_ms})


async def refresh(work: Work, record: OrderRecord, facts: Facts) -> StepResult:
    """Read the known invoice: its status now, or that a person deleted it."""
    known = record.invoice
    assert known is not None
    try:
        invoice = await work.books.invoice(known.invoice_id, work.lane)
    except ZohoNotFound:
        await work.index.forget(known.invoice_id)
        record = await work.write(invoice=known.model_copy(update={"gone": True}))
        return Continue(record, replace(facts, invoice_gone=True, invoice_checked=True))
    current = {"status": invoice.status, "total": str(invoice.total)}
    record = await work.write(invoice=known.model_copy(update=current))
    return Continue(record, _known(facts, invoice, payload_changed=facts.payload_changed))


async def update(work: Work, record: OrderRecord, facts: Facts) -> StepResult:
    """Replace the draft's content in place (never delete and recreate: that burns a number)."""
    assert work.target is not None
    assert record.invoice is not None
    payload = work.target.draft.payload
    invoice = await work.books.update_invoice(
        record.invoice.invoice_id, payload, work.lane, before_send=work.before_write
    )
    await work.write(invoice=_ref(work, invoice, payload_fingerprint(payload)))
    return _totals_outcome(work.target.total, invoice)


async def delete(work: Work, record: OrderRecord, facts: Facts) -> StepResult:
    """Delete the draft; one that is already gone counts as deleted."""
    assert record.invoice is not None
    with contextlib.suppress(ZohoNotFound):
        await work.books.delete_invoice(
            record.invoice.invoice_id, work.lane, before_send=work.before_write
        )
    await work.index.forget(record.invoice.invoice_id)
    await work.write(invoice=record.invoice.model_copy(update={"gone": True}))
    return Settle(State.DELETED)


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


def _totals_outcome(order_total: Decimal, invoice: Invoice) -> Settle:
    """SPEC §4: synced only when Zoho's total equals the order's."""
    if totals_match(order_total, invoice.total):
        return Settle(State.SYNCED)
    return Settle(
        State.NEEDS_ATTENTION,
        f"total mismatch: the order says {_money(order_total)}, Zoho computed "
        f"{_money(invoice.total)}",
    )


def _money(value: Decimal) -> str:
    return f"{value:f}"
