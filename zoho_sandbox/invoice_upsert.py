"""``PUT /invoices``: upsert an invoice by the value of a unique custom field (Z-OAS).

``X-Unique-Identifier-Key`` names the field (its ``cf_`` api name; it must be
an invoice field marked unique), ``X-Unique-Identifier-Value`` the value. The
invoice holding that value is rewritten like ``PUT /invoices/{id}``; when none
does, ``X-Upsert: true`` creates one like ``POST /invoices`` and without it the
answer is "Invoice does not exist.". A created invoice always carries the
header's value in that field. Both answers are HTTP 200, the only response
Z-OAS describes; the error codes for bad headers are guesses.
"""

from __future__ import annotations

from aiohttp import web

from . import custom_fields
from .body import json_body
from .envelope import ZohoError, invalid_value, zoho_response
from .invoices import new_invoice, rewrite_invoice, writer
from .keys import CONFIG
from .store import JsonObject
from .values import to_bool

routes = web.RouteTableDef()
KEY_HEADER = "X-Unique-Identifier-Key"
VALUE_HEADER = "X-Unique-Identifier-Value"
UPSERT_HEADER = "X-Upsert"


@routes.put("/books/v3/invoices", name="invoices.upsert")
async def upsert_invoice(request: web.Request) -> web.Response:
    """Rewrite the invoice holding the unique value, or create it (``X-Upsert: true``)."""
    body, out = await json_body(request), writer(request)
    api_name, value = _unique_key(request)
    existing = custom_fields.invoice_with(out.books, api_name, value)
    if existing is not None:
        invoice = rewrite_invoice(request, body, out, existing)
        return zoho_response("Invoice information has been updated.", invoice=invoice)
    if not to_bool(request.headers.get(UPSERT_HEADER, "false"), UPSERT_HEADER):
        status = request.app[CONFIG].invoice_not_found_status
        raise ZohoError(status, 1002, "Invoice does not exist.")
    invoice = new_invoice(request, _carrying(body, api_name, value), out)
    return zoho_response("The invoice has been created.", invoice=invoice)


def _unique_key(request: web.Request) -> tuple[str, str]:
    """The field and value named by the headers; the field must be unique on invoices."""
    api_name = request.headers.get(KEY_HEADER, "").strip()
    value = request.headers.get(VALUE_HEADER, "").strip()
    if not api_name:
        raise invalid_value(KEY_HEADER, code=4)
    if not value:
        raise invalid_value(VALUE_HEADER, code=4)
    field = custom_fields.named(request.app[CONFIG], api_name)
    if field is None or not field.unique:
        raise invalid_value(KEY_HEADER)
    return api_name, value


def _carrying(body: JsonObject, api_name: str, value: str) -> JsonObject:
    """``body`` with the header's value in the key field, whatever the body said there."""
    others = [
        entry
        for entry in body.get("custom_fields") or []
        if not (isinstance(entry, dict) and entry.get("api_name") == api_name)
    ]
    return {**body, "custom_fields": [*others, {"api_name": api_name, "value": value}]}
