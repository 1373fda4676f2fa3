"""``/invoices``: create, list, get, update (PUT), delete and the status changes.

Rules live in ``invoice_rules``, the arithmetic in ``totals``, the object in
``invoice_doc`` and the list in ``invoice_rows``; this module maps HTTP onto them.
The upsert by a unique custom field (``PUT /invoices``) is ``invoice_upsert``.
"""

from __future__ import annotations

from aiohttp import web

from . import invoice_rows as listing
from . import invoice_rules as rules
from .body import json_body
from .context import org_books, sandbox_now, timestamp
from .envelope import ZohoError, zoho_response
from .invoice_doc import Writer, balance
from .keys import CLOCK, CONFIG, STORE
from .listing import paginate
from .store import JsonObject, OrgBooks
from .values import to_bool

routes = web.RouteTableDef()


def writer(request: web.Request) -> Writer:
    """The invoice writer for this request's organization."""
    return Writer(
        request.app[STORE],
        org_books(request),
        request.app[CONFIG],
        request.app[CLOCK].wall().date(),
        timestamp(request),
    )


def find_invoice(request: web.Request, books: OrgBooks) -> JsonObject:
    """The invoice named in the path; 1002 "Invoice does not exist." otherwise."""
    invoice = books.invoices.get(request.match_info["invoice_id"])
    if invoice is None:
        status = request.app[CONFIG].invoice_not_found_status
        raise ZohoError(status, 1002, "Invoice does not exist.")
    return invoice


def store_invoice(request: web.Request, books: OrgBooks, invoice: JsonObject) -> None:
    """Keep ``invoice`` and note the change for the lagging list."""
    books.invoices[invoice["invoice_id"]] = invoice
    listing.record(books, invoice["invoice_id"], sandbox_now(request))


def _flag(request: web.Request, body: JsonObject, name: str) -> bool:
    """A boolean given in the query string or in the body."""
    if name in request.query:
        return to_bool(request.query[name], name)
    return to_bool(body.get(name, False), name)


def new_invoice(request: web.Request, body: JsonObject, out: Writer) -> JsonObject:
    """Create and store an invoice from ``body``: a draft, or sent with ``send=true``."""
    invoice = out.build(body, None)
    if _flag(request, body, "ignore_auto_number_generation"):
        number = rules.checked_number(out.books, out.config, body.get("invoice_number"))
    else:
        number = rules.auto_number(out.books)
    invoice.update(
        invoice_id=out.store.new_id(out.books.organization_id),
        invoice_number=number,
        status="sent" if _flag(request, body, "send") else "draft",
        created_time=out.now,
    )
    invoice["invoice_url"] = (
        f"https://books.zoho.eu/SecurePayment?CInvoiceID={invoice['invoice_id']}"
    )
    store_invoice(request, out.books, invoice)
    return invoice


def rewrite_invoice(
    request: web.Request, body: JsonObject, out: Writer, existing: JsonObject
) -> JsonObject:
    """Rewrite and store ``existing``: lines left out are deleted, totals recomputed."""
    if existing["status"] == "void":
        raise ZohoError(400, 2, "A void invoice cannot be edited.")
    invoice = out.build(body, existing)
    if "invoice_number" in body and body["invoice_number"] != existing["invoice_number"]:
        invoice["invoice_number"] = rules.checked_number(
            out.books, out.config, body["invoice_number"], existing["invoice_id"]
        )
    store_invoice(request, out.books, invoice)
    return invoice


@routes.post("/books/v3/invoices", name="invoices.create")
async def create_invoice(request: web.Request) -> web.Response:
    """Create an invoice (201): a draft, or sent with ``send=true``."""
    invoice = new_invoice(request, await json_body(request), writer(request))
    return zoho_response("The invoice has been created.", status=201, invoice=invoice)


@routes.get("/books/v3/invoices", name="invoices.list")
async def list_invoices(request: web.Request) -> web.Response:
    """Invoices matching the filters, as the (possibly lagging) list shows them."""
    books, query = org_books(request), request.query
    rows = listing.visible_rows(books, sandbox_now(request), request.app[CONFIG].list_lag)
    matches = listing.row_filter(query, exact=request.app[CONFIG].plain_filter_match == "exact")
    rows = [row for row in rows if matches(row)]
    column, order = listing.sort_rows(rows, query)
    page, context = paginate(
        rows,
        query,
        report_name="Invoices",
        applied_filter=query.get("filter_by", "Status.All"),
        sort_column=column,
        sort_order=order,
    )
    return zoho_response(invoices=page, page_context=context)


@routes.get("/books/v3/invoices/{invoice_id}", name="invoices.get")
async def get_invoice(request: web.Request) -> web.Response:
    """One invoice with its line items (never lagging)."""
    return zoho_response(invoice=find_invoice(request, org_books(request)))


@routes.put("/books/v3/invoices/{invoice_id}", name="invoices.update")
async def update_invoice(request: web.Request) -> web.Response:
    """Rewrite an invoice: lines left out are deleted, totals recomputed."""
    body, out = await json_body(request), writer(request)
    invoice = rewrite_invoice(request, body, out, find_invoice(request, out.books))
    return zoho_response("Invoice information has been updated.", invoice=invoice)


@routes.delete("/books/v3/invoices/{invoice_id}", name="invoices.delete")
async def delete_invoice(request: web.Request) -> web.Response:
    """Delete an invoice, unless payments or credits are applied to it."""
    books = org_books(request)
    invoice = find_invoice(request, books)
    if invoice["payment_made"] or invoice["credits_applied"]:
        raise ZohoError(
            400,
            request.app[CONFIG].delete_blocked_code,
            "Invoices that have payments or credits applied cannot be deleted.",
        )
    del books.invoices[invoice["invoice_id"]]
    listing.record(books, invoice["invoice_id"], sandbox_now(request))
    return zoho_response("The invoice has been deleted.")


# target status -> (statuses it may come from, message)
TRANSITIONS = {
    "sent": (("draft", "sent"), "Invoice status has been changed to Sent."),
    "void": (
        ("draft", "sent", "overdue", "partially_paid", "paid", "void"),
        "Invoice status has been changed to Void.",
    ),
    "draft": (("void", "draft"), "Status of invoice changed from void to draft."),
}


def change_status(request: web.Request, invoice: JsonObject, target: str) -> str:
    """Move ``invoice`` to ``target`` if allowed from where it is; the message to show."""
    sources, message = TRANSITIONS[target]
    if invoice["status"] not in sources:
        raise ZohoError(
            400, 2, f"An invoice in the status {invoice['status']} cannot be marked as {target}."
        )
    if invoice["status"] != target:
        invoice["status"] = target
        invoice["balance"] = balance(invoice)
        invoice["last_modified_time"] = timestamp(request)
    return message


@routes.post(
    r"/books/v3/invoices/{invoice_id}/status/{status:sent|void|draft}", name="invoices.status"
)
async def mark_invoice(request: web.Request) -> web.Response:
    """Mark sent (from draft), void (from any status) or draft (from void)."""
    books = org_books(request)
    invoice = find_invoice(request, books)
    message = change_status(request, invoice, request.match_info["status"])
    listing.record(books, invoice["invoice_id"], sandbox_now(request))
    return zoho_response(message)
