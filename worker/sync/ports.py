"""What the per-order path needs from the world (``store/`` and ``zoho/`` implement these).

The sync service, the contact resolver and the reconciler depend on these
Protocols only; ``bootstrap`` hands them the MongoDB stores and the Zoho client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

from ..domain.catalog import Catalog
from ..domain.connection import StoredConnection
from ..domain.console_settings import StoredSettings, Values
from ..domain.lanes import Lane
from ..zoho.models import Contact, Currency, CustomField, Invoice, Organization, Tax
from .records import (
    ContactLink,
    IndexedInvoice,
    IndexMark,
    OrderRecord,
    PageMark,
    SeenInOrders,
)

JsonObject = dict[str, Any]  # a request body, as the domain's mapping builds it
BeforeSend = Callable[[], Awaitable[None]]  # runs in the budget slot, just before a write leaves


class OrderStore(Protocol):
    """Order records, written by compare-and-swap (``store.orders.OrderRepository``)."""

    async def ensure_indexes(self) -> None:
        """The indexes the sync loop and the reconciler query by."""
        ...

    async def load(self, order_id: str) -> OrderRecord | None:
        """The stored order, or None."""
        ...

    async def change(
        self, order_id: str, mutate: Callable[[OrderRecord | None], OrderRecord | None]
    ) -> OrderRecord | None:
        """Apply ``mutate`` to the freshest copy until the write sticks; None: nothing written."""
        ...

    async def change_fenced(
        self, order_id: str, owner: str, fence: int, mutate: Callable[[OrderRecord], OrderRecord]
    ) -> OrderRecord:
        """``change`` for the lease holder; ``LeaseLost`` (``sync.errors``) when it moved on."""
        ...

    async def due(self, now_ms: int, limit: int) -> list[tuple[str, str]]:
        """(id, lane) of orders due for a pass and not leased, longest waiting first."""
        ...

    async def missing(self, since_ms: int, now_ms: int) -> list[str]:
        """Paid orders received since ``since_ms`` still without their invoice."""
        ...

    async def ids_blocked_by_configuration(self) -> list[str]:
        """Orders in ``needs_attention`` that a change of the setup could unblock: taxes,
        currencies, the tax map, or the connection (a scope granted on reconnecting)."""
        ...

    async def ids_in_state(self, state: str) -> list[str]:
        """Every order in ``state``."""
        ...

    async def make_due(self, order_id: str, now_ms: int, lane: str) -> None:
        """Ask for a pass on the order in ``lane``."""
        ...

    async def page(
        self, *, state: str | None, search: str | None, after: PageMark | None, limit: int
    ) -> list[OrderRecord]:
        """Up to ``limit`` orders, newest received first, after ``after``; ``search`` matches
        an order id, the shop's order number or the invoice number exactly."""
        ...

    async def count_by_state(self) -> dict[str, int]:
        """How many orders are in each state."""
        ...

    async def seen_in_snapshots(self) -> SeenInOrders:
        """The VAT rates and currencies the stored order snapshots carry."""
        ...


class SettingsStore(Protocol):
    """The console's settings and the environment last seen (``store.settings``)."""

    async def load(self) -> StoredSettings:
        """What is stored (empty when nothing is)."""
        ...

    async def change(self, values: Values) -> None:
        """Store these console values, replacing those of the same names."""
        ...

    async def settle(self, forget: frozenset[str], environment: Values) -> None:
        """At a start: drop the stored values the environment replaced; record it as seen."""
        ...


class ConnectionReader(Protocol):
    """The stored Zoho connection, read only (``store.connection.ConnectionRepository``)."""

    async def load(self) -> StoredConnection | None:
        """The connection as stored now; None when nothing was ever connected."""
        ...


class AuditLog(Protocol):
    """The append-only audit trail of each order (``store.audit.AuditTrail``)."""

    async def ensure_indexes(self) -> None:
        """The indexes its readers query by."""
        ...

    async def record(self, order_id: str, at_ms: int, kind: str, actor: str, **detail: Any) -> None:
        """Append one entry."""
        ...

    async def for_order(self, order_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The order's entries, newest first."""
        ...


class LeaseStore(Protocol):
    """Named leases with fences (``store.leases.Leases``)."""

    async def acquire(self, name: str, owner: str, ttl_ms: int, now_ms: int) -> int | None:
        """Take the lease; its fence, or None while someone else holds it."""
        ...

    async def renew(self, name: str, owner: str, fence: int, ttl_ms: int, now_ms: int) -> bool:
        """Extend the lease if it is still ours under ``fence``."""
        ...

    async def release(self, name: str, owner: str) -> None:
        """Give the lease up early, if it is still ours."""
        ...


class InvoiceIndexStore(Protocol):
    """Per organization, the invoices known to exist in Zoho (``store.invoice_index``)."""

    async def ensure_indexes(self) -> None:
        """The index by reference."""
        ...

    async def by_reference(self, organization_id: str, reference: str) -> list[IndexedInvoice]:
        """The known invoices carrying ``reference``."""
        ...

    async def add(self, invoices: list[IndexedInvoice]) -> int:
        """Record ``invoices`` (known ones are refreshed); how many were not known before."""
        ...

    async def forget(self, organization_id: str, invoice_id: str) -> None:
        """The invoice no longer exists in Zoho."""
        ...

    async def mark(self, organization_id: str) -> IndexMark | None:
        """How far Zoho's list has been read; None before the first import finished."""
        ...

    async def save_mark(self, mark: IndexMark) -> None:
        """Store how far Zoho's list has been read (never moving it back)."""
        ...


class ContactLinkStore(Protocol):
    """Customer → contact links (``store.contacts.ContactLinks``)."""

    async def load(self, organization_id: str, email: str, currency: str) -> ContactLink | None:
        """The link, or None."""
        ...

    async def save(self, link: ContactLink) -> bool:
        """Write if unchanged since read; False when another writer won."""
        ...

    async def forget(self, link: ContactLink) -> None:
        """Drop the link (its contact is gone from Zoho), if it is still the one read."""
        ...


class SharedCatalogs(Protocol):
    """Each organization's catalog, shared by the replicas (``store.catalogs.CatalogStore``)."""

    async def load(self, organization_id: str) -> tuple[Catalog, int] | None:
        """The catalog and when it was read from Zoho (epoch ms), or None."""
        ...

    async def save(self, organization_id: str, catalog: Catalog, read_at_ms: int) -> None:
        """Share ``catalog``, read from Zoho at ``read_at_ms``."""
        ...


class Books(Protocol):
    """The Zoho Books calls of one organization (``zoho.books.ZohoBooks``)."""

    @property
    def organization_id(self) -> str:
        """The organization these calls act on."""
        ...

    async def organization(self, lane: Lane) -> Organization:
        """This organization, with its plan and base currency."""
        ...

    async def taxes(self, lane: Lane) -> list[Tax]:
        """Every tax, compound tax and tax group."""
        ...

    async def currencies(self, lane: Lane) -> list[Currency]:
        """The enabled currencies."""
        ...

    async def invoice_custom_fields(self, lane: Lane) -> list[CustomField]:
        """The custom fields of the organization's invoices."""
        ...

    async def contacts_by_email(self, email: str, lane: Lane) -> list[Contact]:
        """Contacts whose primary person has ``email``."""
        ...

    async def contacts_by_name(self, name: str, lane: Lane) -> list[Contact]:
        """Contacts whose display name is exactly ``name``."""
        ...

    async def contact(self, contact_id: str, lane: Lane) -> Contact:
        """A contact with its addresses and people."""
        ...

    async def create_contact(self, payload: JsonObject, lane: Lane) -> Contact:
        """Create a contact; ``DuplicateName`` when the display name is taken."""
        ...

    async def update_contact(self, current: Contact, changes: JsonObject, lane: Lane) -> Contact:
        """Write ``changes`` to the contact ``current`` names (its id and current name, sent
        unchanged); the answer is the whole contact as Zoho now holds it."""
        ...

    async def invoices_by_reference(self, reference: str, lane: Lane) -> list[Invoice]:
        """Every invoice whose reference is exactly ``reference``."""
        ...

    def invoices_newest_first(self, lane: Lane) -> AsyncIterator[list[Invoice]]:
        """Every invoice, newest created first, a page at a time."""
        ...

    async def invoice(self, invoice_id: str, lane: Lane) -> Invoice:
        """An invoice; ``ZohoNotFound`` when it was deleted."""
        ...

    async def create_invoice(
        self, payload: JsonObject, lane: Lane, *, before_send: BeforeSend | None = None
    ) -> Invoice:
        """Create a draft invoice; ``OutcomeUnknown`` when no answer came."""
        ...

    async def upsert_invoice(
        self,
        payload: JsonObject,
        field: str,
        value: str,
        lane: Lane,
        *,
        before_send: BeforeSend | None = None,
    ) -> Invoice:
        """Create the invoice whose unique ``field`` holds ``value``, or update the one that
        does; ``OutcomeUnknown`` when no answer came."""
        ...

    async def update_invoice(
        self,
        invoice_id: str,
        payload: JsonObject,
        lane: Lane,
        *,
        before_send: BeforeSend | None = None,
    ) -> Invoice:
        """Replace an invoice's header and lines."""
        ...

    async def delete_invoice(
        self, invoice_id: str, lane: Lane, *, before_send: BeforeSend | None = None
    ) -> None:
        """Delete an invoice; ``ZohoNotFound`` when it is already gone."""
        ...
