"""The Books API calls the sync makes, typed.

Each method names its request class (``contacts.create``, ...) for metrics and
logs, and takes the lane it runs in. Request bodies are built by the domain
(mapping) and passed through as JSON objects; answers come back as models.
Lists walk every page (``per_page`` 200, ``page_context.has_more_page``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ..domain.lanes import Lane
from .errors import ZohoUnavailable
from .http import BeforeSend, JsonObject, ZohoHttp
from .models import Contact, Currency, CustomField, Invoice, Organization, Tax

PER_PAGE = 200
MAX_PAGES = 1000  # a guard against a server that never says "no more pages"


class ZohoBooks:
    """Books endpoints for one organization."""

    def __init__(self, http: ZohoHttp) -> None:
        self._http = http

    @property
    def organization_id(self) -> str:
        """The organization these calls act on."""
        return self._http.organization_id

    async def organizations(self, lane: Lane = Lane.MANUAL) -> list[Organization]:
        """Organizations visible to the token (no ``organization_id`` needed)."""
        body = await self._http.request(
            "organizations.list", "GET", "/organizations", lane=lane, with_organization=False
        )
        return [Organization.model_validate(row) for row in body.get("organizations", [])]

    async def organization(self, lane: Lane = Lane.MANUAL) -> Organization:
        """This organization, with its plan and base currency."""
        path = f"/organizations/{self.organization_id}"
        body = await self._http.request("organizations.get", "GET", path, lane=lane)
        return Organization.model_validate(body["organization"])

    async def taxes(self, lane: Lane) -> list[Tax]:
        """Every tax, compound tax and tax group, active or not."""
        rows = self._pages("taxes.list", "/settings/taxes", "taxes", lane, {})
        return [Tax.model_validate(row) async for row in rows]

    async def currencies(self, lane: Lane) -> list[Currency]:
        """The organization's enabled currencies."""
        rows = self._pages("currencies.list", "/settings/currencies", "currencies", lane, {})
        return [Currency.model_validate(row) async for row in rows]

    async def invoice_custom_fields(self, lane: Lane) -> list[CustomField]:
        """The custom fields of the organization's invoices."""
        params = {"entity": "invoice"}
        path = "/settings/fields"
        body = await self._http.request("customfields.list", "GET", path, lane=lane, params=params)
        return [CustomField.model_validate(row) for row in body.get("customfields", [])]

    async def contacts_by_email(self, email: str, lane: Lane) -> list[Contact]:
        """Contacts whose primary person has ``email`` (compared case-insensitively here)."""
        rows = self._pages("contacts.list", "/contacts", "contacts", lane, {"email": email})
        wanted = email.casefold()
        return [
            contact
            async for row in rows
            if ((contact := Contact.model_validate(row)).email or "").casefold() == wanted
        ]

    async def contacts_by_name(self, name: str, lane: Lane) -> list[Contact]:
        """Contacts whose display name is exactly ``name``."""
        params = {"contact_name": name}
        rows = self._pages("contacts.list", "/contacts", "contacts", lane, params)
        return [c async for row in rows if (c := Contact.model_validate(row)).contact_name == name]

    async def contact(self, contact_id: str, lane: Lane) -> Contact:
        """A contact with its addresses and people."""
        body = await self._http.request("contacts.get", "GET", f"/contacts/{contact_id}", lane=lane)
        return Contact.model_validate(body["contact"])

    async def create_contact(self, payload: JsonObject, lane: Lane) -> Contact:
        """Create a contact; ``DuplicateName`` when the display name is taken."""
        body = await self._http.request(
            "contacts.create", "POST", "/contacts", lane=lane, body=payload
        )
        return Contact.model_validate(body["contact"])

    async def update_contact(self, current: Contact, changes: JsonObject, lane: Lane) -> Contact:
        """Write ``changes`` to the contact ``current`` names (its id and current name: read, or
        as Zoho last answered it), never renaming it.

        Zoho requires ``contact_name`` on every ``PUT``: the body carries the current
        name unchanged (SPEC §4).
        """
        if "contact_name" in changes:
            raise ValueError("the sync never renames a contact")
        payload = {"contact_name": current.contact_name, **changes}
        path = f"/contacts/{current.contact_id}"
        body = await self._http.request("contacts.update", "PUT", path, lane=lane, body=payload)
        return Contact.model_validate(body["contact"])

    async def create_invoice(
        self, payload: JsonObject, lane: Lane, *, before_send: BeforeSend | None = None
    ) -> Invoice:
        """Create a draft invoice. ``OutcomeUnknown`` when no answer came: look it up first."""
        body = await self._http.request(
            "invoices.create", "POST", "/invoices", lane=lane, body=payload, before_send=before_send
        )
        return Invoice.model_validate(body["invoice"])

    async def upsert_invoice(
        self,
        payload: JsonObject,
        field: str,
        value: str,
        lane: Lane,
        *,
        before_send: BeforeSend | None = None,
    ) -> Invoice:
        """Create the draft invoice whose unique custom ``field`` holds ``value``, or update
        the one that does (``PUT /invoices`` with ``X-Upsert: true``).

        The body carries the value in that field too. Not retried here: a lost answer is
        ``OutcomeUnknown``, as for a create, so the intent stays until an attempt is answered.
        """
        headers = {
            "X-Unique-Identifier-Key": field,
            "X-Unique-Identifier-Value": value,
            "X-Upsert": "true",
        }
        body = await self._http.request(
            "invoices.upsert",
            "PUT",
            "/invoices",
            lane=lane,
            body=_with_field(payload, field, value),
            idempotent=False,
            before_send=before_send,
            headers=headers,
        )
        return Invoice.model_validate(body["invoice"])

    async def invoice(self, invoice_id: str, lane: Lane) -> Invoice:
        """An invoice with its lines; ``ZohoNotFound`` when it was deleted."""
        body = await self._http.request("invoices.get", "GET", f"/invoices/{invoice_id}", lane=lane)
        return Invoice.model_validate(body["invoice"])

    async def invoices_by_reference(self, reference: str, lane: Lane) -> list[Invoice]:
        """Every invoice whose reference is exactly ``reference``, any status, all pages."""
        params = {"reference_number": reference, "filter_by": "Status.All"}
        rows = self._pages("invoices.list", "/invoices", "invoices", lane, params)
        return [
            i
            async for row in rows
            if (i := Invoice.model_validate(row)).reference_number == reference
        ]

    async def invoices_newest_first(self, lane: Lane) -> AsyncIterator[list[Invoice]]:
        """Every invoice, any status, newest created first, one page (200) at a time."""
        params = {"sort_column": "created_time", "sort_order": "D", "filter_by": "Status.All"}
        async for rows in self._page_lists("invoices.list", "/invoices", "invoices", lane, params):
            yield [Invoice.model_validate(row) for row in rows]

    async def update_invoice(
        self,
        invoice_id: str,
        payload: JsonObject,
        lane: Lane,
        *,
        before_send: BeforeSend | None = None,
    ) -> Invoice:
        """Replace an invoice's header and lines (lines left out are deleted by Zoho)."""
        path = f"/invoices/{invoice_id}"
        body = await self._http.request(
            "invoices.update", "PUT", path, lane=lane, body=payload, before_send=before_send
        )
        return Invoice.model_validate(body["invoice"])

    async def delete_invoice(
        self, invoice_id: str, lane: Lane, *, before_send: BeforeSend | None = None
    ) -> None:
        """Delete an invoice; ``ZohoNotFound`` when it is already gone."""
        path = f"/invoices/{invoice_id}"
        await self._http.request(
            "invoices.delete", "DELETE", path, lane=lane, before_send=before_send
        )

    async def set_invoice_status(self, invoice_id: str, status: str, lane: Lane) -> None:
        """Move an invoice to ``sent``, ``void`` or ``draft``."""
        if status not in ("sent", "void", "draft"):
            raise ValueError(f"unknown invoice status {status!r}")
        path = f"/invoices/{invoice_id}/status/{status}"
        await self._http.request("invoices.status", "POST", path, lane=lane, idempotent=True)

    async def _pages(
        self, name: str, path: str, key: str, lane: Lane, params: dict[str, str]
    ) -> AsyncIterator[dict[str, Any]]:
        async for rows in self._page_lists(name, path, key, lane, params):
            for row in rows:
                yield row

    async def _page_lists(
        self, name: str, path: str, key: str, lane: Lane, params: dict[str, str]
    ) -> AsyncIterator[list[dict[str, Any]]]:
        for page in range(1, MAX_PAGES + 1):
            query = {**params, "page": str(page), "per_page": str(PER_PAGE)}
            body = await self._http.request(name, "GET", path, lane=lane, params=query)
            yield list(body.get(key, []))
            if not (body.get("page_context") or {}).get("has_more_page"):
                return
        raise ZohoUnavailable(f"{name}: more than {MAX_PAGES} pages")


def _with_field(payload: JsonObject, field: str, value: str) -> JsonObject:
    """``payload`` with ``value`` in the custom ``field`` (any earlier value for it replaced)."""
    kept = [cf for cf in payload.get("custom_fields", []) if cf.get("api_name") != field]
    return {**payload, "custom_fields": [*kept, {"api_name": field, "value": value}]}
