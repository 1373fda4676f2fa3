"""Before deciding: what is known about an order, and the invoice it should have.

For a paid order that may be written to Zoho this reads the catalog (cached),
resolves the customer's contact (free for known, unchanged customers) and maps
the newest snapshot; its fingerprint tells whether the invoice needs an update.
In upsert mode a create needs no lookup in Zoho (``steps.lookup``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import Clock
from ..domain.catalog import Catalog
from ..domain.decisions import Facts
from ..domain.invoice_mapping import (
    InvoiceDraft,
    MappingSettings,
    map_invoice,
    payload_fingerprint,
    render_reference,
)
from ..domain.lanes import Lane
from ..events import Order
from .invoice_index import InvoiceIndex
from .order_lease import OrderLease
from .policy import LivePolicy, SyncPolicy
from .ports import Books
from .records import OrderRecord
from .steps import Target, Work


class NotConnected(Exception):
    """Zoho is not connected, or no organization is chosen: orders wait as ``pending``."""


class Catalogs(Protocol):
    """The organization's taxes and currencies (``CatalogCache``)."""

    async def get(self, lane: Lane) -> Catalog:
        """The current catalog."""
        ...


class Contacts(Protocol):
    """Finds or creates the customer's contact (``ContactResolver``)."""

    async def resolve(self, order: Order, catalog: Catalog, lane: Lane) -> str:
        """The Zoho contact id for the order's customer."""
        ...

    async def heal(self, order: Order, lane: Lane) -> bool:
        """True when the customer's linked contact is gone from Zoho and was forgotten."""
        ...


class UpsertFields(Protocol):
    """Whether creates upsert by a unique invoice custom field (``UpsertMode``)."""

    async def field(self, lane: Lane) -> str | None:
        """The field, or None for plain creates."""
        ...


@dataclass(frozen=True)
class Connected:
    """The Zoho side of a pass, there once Zoho is connected and an organization chosen."""

    books: Books
    catalogs: Catalogs
    contacts: Contacts
    index: InvoiceIndex
    upsert: UpsertFields | None = None  # None: upsert mode not configured


class Preparer:
    """Builds the ``Work`` and the ``Facts`` for one pass."""

    def __init__(
        self, zoho: Connected | None, *, clock: Clock, policy: SyncPolicy | LivePolicy
    ) -> None:
        self._zoho = zoho
        self._clock = clock
        self._policy = policy if isinstance(policy, LivePolicy) else LivePolicy(policy)

    async def prepare(
        self, record: OrderRecord, lease: OrderLease, lane: Lane
    ) -> tuple[Work, Facts]:
        """The pass's tools and what it knows before its first step."""
        zoho = self._connected()
        policy = self._policy.current  # once: the console may change it while this pass runs
        order = Order.model_validate(record.snapshot) if record.snapshot else None
        writes_allowed = policy.auto_sync or record.manual
        target = upsert_field = None
        wanted = record.paid and not record.deleted and not record.invoice_withdrawn
        if order is not None and wanted and writes_allowed:
            target = Target(await self._draft(zoho, order, record, lane, policy), order.total)
            upsert_field = await zoho.upsert.field(lane) if zoho.upsert else None
        work = Work(
            lease=lease,
            books=zoho.books,
            clock=self._clock,
            lane=lane,
            list_lag_wait_ms=policy.list_lag_wait_ms,
            request_timeout_ms=policy.request_timeout_ms,
            reference=_reference(policy, record, order),
            target=target,
            index=zoho.index,
            upsert_field=upsert_field,
        )
        org = zoho.books.organization_id
        return work, _facts(policy, record, org, target.draft if target else None)

    async def heal_contact(self, record: OrderRecord, lane: Lane) -> bool:
        """After Zoho refused a write: whether it was for a contact that is gone (now forgotten,
        so preparing again finds or creates it)."""
        if self._zoho is None or record.snapshot is None:
            return False
        return await self._zoho.contacts.heal(Order.model_validate(record.snapshot), lane)

    def _connected(self) -> Connected:
        if self._zoho is None:
            raise NotConnected("Zoho is not connected or no organization is chosen")
        return self._zoho

    async def _draft(
        self, zoho: Connected, order: Order, record: OrderRecord, lane: Lane, policy: SyncPolicy
    ) -> InvoiceDraft:
        catalog = await zoho.catalogs.get(lane)
        customer_id = await zoho.contacts.resolve(order, catalog, lane)
        mapping = _mapping_for(policy, catalog)
        received = datetime.fromtimestamp(record.received_at_ms / 1000, UTC)
        fallback: date = received.astimezone(mapping.timezone).date()
        return map_invoice(order, customer_id, catalog, mapping, fallback_date=fallback)


def _mapping_for(policy: SyncPolicy, catalog: Catalog) -> MappingSettings:
    """TIMEZONE when set, else the organization's zone (when Python knows it), else UTC."""
    mapping = policy.mapping
    if policy.timezone_configured or not catalog.time_zone:
        return mapping
    try:
        return replace(mapping, timezone=ZoneInfo(catalog.time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        return mapping


def _reference(policy: SyncPolicy, record: OrderRecord, order: Order | None) -> str:
    template = policy.mapping.reference_template
    if order is not None:
        return render_reference(template, order)
    return template.format(id=record.order_id, number=record.order_id)


def _facts(
    policy: SyncPolicy, record: OrderRecord, org_id: str, draft: InvoiceDraft | None
) -> Facts:
    invoice = (
        record.invoice if record.invoice and record.invoice.organization_id == org_id else None
    )
    regenerate = record.manual and not record.deleted and not record.invoice_withdrawn
    if invoice is not None and invoice.gone and regenerate:
        invoice = None  # Generate recreates an invoice a person deleted in Zoho
    fingerprint = payload_fingerprint(draft.payload) if draft else None
    could_exist = record.paid or record.intent is not None
    return Facts(
        paid=record.paid,
        deleted=record.deleted,
        has_snapshot=record.snapshot is not None,
        invoice_known=invoice is not None,
        invoice_number=invoice.invoice_number if invoice else None,
        invoice_status=invoice.status if invoice else None,
        invoice_checked=False,
        invoice_gone=bool(invoice and invoice.gone),
        payload_changed=draft is not None
        and (invoice is None or invoice.fingerprint != fingerprint),
        lookup_done=not could_exist,
        auto_sync=policy.auto_sync,
        manual=record.manual,
        withdrawn=record.invoice_withdrawn,
    )
