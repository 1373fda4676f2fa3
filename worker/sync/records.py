"""What the sync keeps about an order and a customer: the records its stores load and save.

Plain values (pydantic models for validation and a JSON-friendly dump); the
store adapters map them to MongoDB documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from ..domain.contact_changes import ContactSnapshot


class InvoiceRef(BaseModel):
    """The Zoho invoice an order is synced to."""

    model_config = ConfigDict(frozen=True)

    organization_id: str
    invoice_id: str
    invoice_number: str
    status: str
    total: str | None = None  # Decimal text
    fingerprint: str | None = None  # of the payload last written; None when adopted by lookup
    gone: bool = False  # Zoho said it does not exist


class Intent(BaseModel):
    """A create about to be (or being) sent; stored before the request leaves."""

    model_config = ConfigDict(frozen=True)

    organization_id: str
    reference: str  # as rendered for this create: the lookup uses it, not a newer rendering
    started_ms: int  # stored, before the token and budget waits
    sent_ms: int | None = None  # when the request last left; None: it never did, nothing to look up
    unknown_at_ms: int | None = None  # when its outcome became unknown
    # The unique custom field it is keyed by (an upsert, the reference as value); None: a create
    upsert_field: str | None = None
    fingerprint: str | None = None  # of the payload it carried: an invoice found later is that one

    @model_validator(mode="before")
    @classmethod
    def _earlier_form(cls, data: Any) -> Any:
        # Intents stored before sent_ms existed said only ``unknown``: assume the request left.
        if isinstance(data, dict) and data.get("unknown") and "sent_ms" not in data:
            return {**data, "sent_ms": data["started_ms"], "unknown_at_ms": data["started_ms"]}
        return data


class OrderRecord(BaseModel):
    """Everything stored about one order."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    version: int = 0
    revision: int | None = None
    event_time_ms: int = 0
    snapshot: dict[str, Any] | None = None  # the newest full order, JSON form (money as text)
    paid: bool = False
    deleted: bool = False
    state: str = "received"
    reason: str | None = None
    reason_from_config: bool = False  # a setup change (taxes, tax map, connection) may unblock it
    work_seq: int = 0  # bumped by every change that needs Zoho work
    applied_seq: int = 0  # the work_seq the last finished pass covered
    due_at_ms: int | None = None  # when a sync loop should pick it up; None: nothing due
    manual: bool = False  # a person asked; honoured even with auto sync off
    invoice_withdrawn: bool = False  # a person deleted the invoice (Delete); Generate undoes it
    lane: str = "LIVE"  # the budget lane of the next pass (LIVE, RECONCILER, BACKFILL, MANUAL)
    attempts: int = 0
    last_error: str | None = None
    lease_owner: str | None = None
    lease_until_ms: int = 0
    fence: int = 0
    invoice: InvoiceRef | None = None
    intent: Intent | None = None
    received_at_ms: int = 0
    updated_at_ms: int = 0
    stored_at_ms: int = 0  # when the newest event was taken in (0: before this was recorded)

    def replace(self, **changes: Any) -> OrderRecord:
        """A copy with ``changes`` (validated), same version."""
        return self.model_validate({**self.model_dump(), **changes})


class IndexedInvoice(BaseModel):
    """An invoice known to exist in Zoho: the index that makes lookups before creates rare."""

    model_config = ConfigDict(frozen=True)

    organization_id: str
    invoice_id: str
    invoice_number: str
    reference: str
    status: str
    total: str
    created_ms: int | None = None


class IndexMark(BaseModel):
    """How far one organization's invoice list has been read into the index.

    ``through_ms``: every invoice Zoho created at or after it has been read (None: the list
    was empty, read it all next time).
    """

    model_config = ConfigDict(frozen=True)

    organization_id: str
    through_ms: int | None

    def is_past(self, proposed: IndexMark) -> bool:
        """Whether this mark is further along than ``proposed`` (which must not replace it)."""
        if self.through_ms is None:
            return False
        return proposed.through_ms is None or self.through_ms > proposed.through_ms


class ContactCopy(BaseModel):
    """A contact as Zoho last answered it (a create, read or update), as far as the
    write-back needs it: the name a ``PUT`` must carry and the billing fields it compares."""

    model_config = ConfigDict(frozen=True)

    contact_name: str
    billing: ContactSnapshot
    confirmed_ms: int  # when the request that brought the answer left


class ContactLink(BaseModel):
    """One customer's contact in one organization and currency."""

    model_config = ConfigDict(frozen=True)

    organization_id: str
    email: str  # lower-cased
    currency: str
    contact_id: str
    display_name: str  # as linked
    adopted: bool  # found in Zoho rather than created: only empty fields are filled
    billing_fingerprint: str | None = None
    # None on links stored before it existed and on contacts adopted from a list row (rows
    # carry no address or people): the write-back then reads the contact.
    last_seen: ContactCopy | None = None
    version: int = 0

    @property
    def key(self) -> str:
        """The document id."""
        return link_key(self.organization_id, self.email, self.currency)


def link_key(organization_id: str, email: str, currency: str) -> str:
    """The id of a link document."""
    return f"{organization_id}|{currency}|{email}"


PageMark = tuple[int, str]  # (received_at_ms, order_id) of the last order on a page


def page_mark(record: OrderRecord) -> PageMark:
    """Where a page of orders (newest received first) ending at ``record`` stops."""
    return (record.received_at_ms, record.order_id)


def search_keys(record: OrderRecord) -> set[str]:
    """What an admin can search an order by: its id, the shop's number, the invoice number."""
    keys = {record.order_id}
    if record.snapshot and record.snapshot.get("number"):
        keys.add(str(record.snapshot["number"]))
    if record.invoice is not None:
        keys.add(record.invoice.invoice_number)
    return keys


OPEN_STATES = ("pending", "failed", "syncing")  # where the reconciler looks for missing invoices


def needs_a_pass(state: str, due_at_ms: int | None, lease_until_ms: int, now_ms: int) -> bool:
    """Whether an order in one of ``OPEN_STATES`` is missing its pass: waiting, failed and due,
    or syncing under a lease whose holder is gone."""
    if state == "pending":
        return True
    if state == "failed":
        return (now_ms if due_at_ms is None else due_at_ms) <= now_ms
    return lease_until_ms < now_ms


@dataclass(frozen=True)
class SeenInOrders:
    """The VAT rates and currencies (upper-case ISO codes) found in stored order snapshots."""

    rates: frozenset[Decimal]
    currencies: frozenset[str]
