"""``/_sandbox/books/...``: shaping the books from tests, as a user would in Zoho's web app.

Add or deactivate a tax, add or disable a currency, record a payment on an
invoice (so deletion is refused), mark an invoice sent. The organization is
``?organization_id=`` or the configured one. No gate, no OpenAPI check.
"""

from __future__ import annotations

from decimal import Decimal

from aiohttp import web

from . import invoice_rows
from .body import json_body
from .context import sandbox_now, timestamp
from .envelope import ZohoError, json_response, not_found
from .invoice_doc import balance
from .keys import CONFIG, STORE
from .seed import add_tax, currency_row
from .store import JsonObject, OrgBooks
from .values import to_decimal, to_int, to_text

routes = web.RouteTableDef()
ZERO = Decimal(0)


def _books(request: web.Request) -> OrgBooks:
    org_id = request.query.get("organization_id", request.app[CONFIG].organization_id)
    books = request.app[STORE].orgs.get(org_id)
    if books is None:
        raise not_found("Organization")
    return books


def _item(table: dict[str, JsonObject], key: str, what: str) -> JsonObject:
    if key not in table:
        raise not_found(what)
    return table[key]


@routes.post("/_sandbox/books/taxes", name="sandbox.books_tax_add")
async def add_tax_route(request: web.Request) -> web.Response:
    """Add a tax: ``{"tax_name": ..., "tax_percentage": ..., "is_default_tax": false}``."""
    body, books = await json_body(request), _books(request)
    tax = add_tax(
        request.app[STORE],
        books,
        to_text(body.get("tax_name"), "tax_name"),
        to_decimal(body.get("tax_percentage"), "tax_percentage"),
        now=timestamp(request),
        is_default=bool(body.get("is_default_tax", False)),
    )
    if tax["is_default_tax"]:
        for other in books.taxes.values():
            other["is_default_tax"] = other is tax
    return json_response({"tax": tax}, status=201)


@routes.post("/_sandbox/books/taxes/{tax_id}/inactive", name="sandbox.books_tax_inactive")
async def deactivate_tax(request: web.Request) -> web.Response:
    """Mark a tax inactive: listed, but refused on new lines."""
    tax = _item(_books(request).taxes, request.match_info["tax_id"], "Tax")
    tax.update(is_inactive=True, status="inactive", last_modified_time=timestamp(request))
    return json_response({"tax": tax})


@routes.post("/_sandbox/books/currencies", name="sandbox.books_currency_add")
async def add_currency(request: web.Request) -> web.Response:
    """Add a currency: ``{"currency_code": "SEK", "price_precision": 2, "exchange_rate": 0.09}``."""
    body, books = await json_body(request), _books(request)
    code = to_text(body.get("currency_code"), "currency_code").upper()
    if any(c["currency_code"] == code for c in books.currencies.values()):
        raise ZohoError(400, 2, f"The currency {code} already exists.")
    precision = to_int(body.get("price_precision", 2), "price_precision", low=0, high=3)
    rate = str(to_decimal(body.get("exchange_rate", 1), "exchange_rate"))
    row = (code, f"{code}- {code}", code, precision, "1,234,567.89", rate)
    currency = currency_row(request.app[STORE].new_id(books.organization_id), row, is_base=False)
    books.currencies[currency["currency_id"]] = currency
    return json_response({"currency": currency}, status=201)


@routes.post(
    "/_sandbox/books/currencies/{currency_id}/disable", name="sandbox.books_currency_disable"
)
async def disable_currency(request: web.Request) -> web.Response:
    """Disable a currency: no longer listed, refused on new contacts and invoices."""
    currency = _item(_books(request).currencies, request.match_info["currency_id"], "Currency")
    if currency["is_base_currency"]:
        raise ZohoError(400, 2, "The base currency cannot be disabled.")
    currency["is_enabled"] = False
    return json_response({"currency": currency})


@routes.post("/_sandbox/books/invoices/{invoice_id}/payments", name="sandbox.books_invoice_payment")
async def record_payment(request: web.Request) -> web.Response:
    """Apply a customer payment: ``{"amount": 10.5}``; the invoice turns (partially) paid."""
    body, books = await json_body(request), _books(request)
    invoice = _item(books.invoices, request.match_info["invoice_id"], "Invoice")
    amount = to_decimal(body.get("amount"), "amount")
    if amount <= ZERO or amount > invoice["balance"]:
        raise ZohoError(400, 2, "Invalid value passed for amount")
    invoice["payment_made"] += amount
    invoice["balance"] = balance(invoice)
    invoice["status"] = "paid" if invoice["balance"] == ZERO else "partially_paid"
    invoice["last_payment_date"] = invoice["date"]
    invoice_rows.record(books, invoice["invoice_id"], sandbox_now(request))
    return json_response({"invoice": invoice})


@routes.post("/_sandbox/books/invoices/{invoice_id}/sent", name="sandbox.books_invoice_sent")
async def mark_sent(request: web.Request) -> web.Response:
    """Mark a draft sent, as a user sending it from the web app would."""
    books = _books(request)
    invoice = _item(books.invoices, request.match_info["invoice_id"], "Invoice")
    if invoice["status"] == "draft":
        invoice.update(status="sent", last_modified_time=timestamp(request))
        invoice_rows.record(books, invoice["invoice_id"], sandbox_now(request))
    return json_response({"invoice": invoice})
