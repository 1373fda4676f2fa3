"""The create step's part in upsert mode: which intent, which request, whether to look first.

With upsert mode on (``Work.upsert_field``), a create is ``PUT /invoices`` keyed by
the reference in the unique field (``Books.upsert_invoice``); the intent is still
stored first and the request still leaves only under the lease. Zoho creates the
invoice once and updates it on every later attempt, so an attempt whose answer
was lost needs no wait and no lookup: the next pass upserts again, under the same
intent (its departure kept, so a worker that no longer upserts still looks
first). The intent names the field; an intent of a plain create whose answer was
lost is looked up as before. A reference that cannot travel in an HTTP header
(not printable ASCII) is created plainly, with the lookups that go with that.
"""

from __future__ import annotations

from ..domain.lanes import Lane
from ..zoho.models import Invoice
from .ports import BeforeSend, Books, JsonObject
from .records import Intent, OrderRecord


def header_safe(value: str) -> bool:
    """Whether ``value`` can be sent as an HTTP header value."""
    return value.isascii() and value.isprintable() and value == value.strip() and bool(value)


def skips_lookup(field: str | None, record: OrderRecord, reference: str) -> bool:
    """Whether a create may go without a lookup first: it upserts, and no plain create's
    answer is outstanding."""
    if field is None or not header_safe(reference):
        return False
    intent = record.intent
    return intent is None or intent.sent_ms is None or intent.upsert_field == field


def earlier_upsert(record: OrderRecord, field: str | None) -> Intent | None:
    """The stored intent of an upsert by ``field`` that left and had no answer, to repeat."""
    intent = record.intent
    if field is None or intent is None or intent.sent_ms is None:
        return None
    return intent if intent.upsert_field == field else None


def new_intent(organization_id: str, reference: str, now_ms: int, field: str | None) -> Intent:
    """A fresh intent: keyed by ``field`` when upsert mode is on and the reference allows it."""
    keyed = field if field is not None and header_safe(reference) else None
    return Intent(
        organization_id=organization_id, reference=reference, started_ms=now_ms, upsert_field=keyed
    )


async def send(
    books: Books, payload: JsonObject, intent: Intent, lane: Lane, before_send: BeforeSend
) -> Invoice:
    """The intent's request: an upsert keyed by its reference, or a plain create."""
    if intent.upsert_field is None:
        return await books.create_invoice(payload, lane, before_send=before_send)
    return await books.upsert_invoice(
        payload, intent.upsert_field, intent.reference, lane, before_send=before_send
    )
