"""``/contacts``: list with Zoho's filters, create, get, update (PUT) and delete.

The rules live in ``contact_rules``; this module maps HTTP onto them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from aiohttp import web

from .body import json_body
from .contact_rules import apply_fields, contact_row, contact_view, new_contact, primary_person
from .context import org_books, timestamp
from .envelope import invalid_value, not_found, zoho_response
from .keys import CONFIG, STORE
from .listing import paginate, search_text, text_filters
from .store import JsonObject, OrgBooks

routes = web.RouteTableDef()

FILTERS: dict[str, Callable[[JsonObject], object]] = {
    "contact_name": lambda c: c["contact_name"],
    "company_name": lambda c: c.get("company_name"),
    "first_name": lambda c: primary_person(c).get("first_name"),
    "last_name": lambda c: primary_person(c).get("last_name"),
    "email": lambda c: primary_person(c).get("email"),
    "phone": lambda c: primary_person(c).get("phone"),
}
STATUS_FILTERS = {"Status.All": None, "Status.Active": "active", "Status.Inactive": "inactive"}
# Documented filter_by values the sandbox does not model: they list everything.
UNMODELLED_FILTERS = (
    "Status.Duplicate",
    "Status.PortalEnabled",
    "Status.PortalDisabled",
    "Invoice.OverDue",
    "Invoice.Unpaid",
    "Status.CreditLimitExceed",
    "Status.Crm",
)
SORT_COLUMNS = (
    "contact_name",
    "first_name",
    "last_name",
    "email",
    "outstanding_receivable_amount",
    "created_time",
    "last_modified_time",
)


def _contact(books: OrgBooks, contact_id: str) -> JsonObject:
    contact = books.contacts.get(contact_id)
    if contact is None:
        raise not_found("Contact")
    return contact


def _status_wanted(filter_by: str) -> str | None:
    if filter_by in STATUS_FILTERS:
        return STATUS_FILTERS[filter_by]
    if filter_by in UNMODELLED_FILTERS:
        return None
    raise invalid_value("filter_by")


@routes.get("/books/v3/contacts", name="contacts.list")
async def list_contacts(request: web.Request) -> web.Response:
    """Contacts matching the filters, sorted, one page at a time."""
    books, query = org_books(request), request.query
    status = _status_wanted(query.get("filter_by", "Status.All"))
    wanted_type = query.get("contact_type")
    exact = request.app[CONFIG].plain_filter_match == "exact"
    by_text = text_filters(query, FILTERS, exact=exact)
    by_search = search_text(query, lambda c: (c["contact_name"], c.get("notes")))
    rows = [
        contact_row(books, c)
        for c in books.contacts.values()
        if (status is None or c["status"] == status)
        and (wanted_type is None or c["contact_type"] == wanted_type)
        and by_text(c)
        and by_search(c)
    ]
    column, descending = _sorting(query.get("sort_column", "contact_name"), query)
    rows.sort(key=lambda row: _sort_key(row.get(column)), reverse=descending)
    page, context = paginate(
        rows,
        query,
        applied_filter=query.get("filter_by", "Status.All"),
        sort_column=column,
        sort_order="D" if descending else "A",
    )
    return zoho_response(contacts=page, page_context=context)


def _sorting(column: str, query: Mapping[str, str]) -> tuple[str, bool]:
    if column not in SORT_COLUMNS:
        raise invalid_value("sort_column")
    return column, query.get("sort_order", "A") == "D"


def _sort_key(value: object) -> tuple[Decimal, str]:
    if isinstance(value, Decimal):
        return value, ""
    return Decimal(0), str(value or "").casefold()


@routes.post("/books/v3/contacts", name="contacts.create")
async def create_contact(request: web.Request) -> web.Response:
    """Create a contact (201); a name already in use is refused with code 3062."""
    books = org_books(request)
    contact = new_contact(request.app[STORE], books, await json_body(request), timestamp(request))
    books.contacts[contact["contact_id"]] = contact
    return zoho_response(
        "The contact has been created", status=201, contact=contact_view(books, contact)
    )


@routes.get("/books/v3/contacts/{contact_id}", name="contacts.get")
async def get_contact(request: web.Request) -> web.Response:
    """One contact; 1002 when it does not exist."""
    books = org_books(request)
    contact = _contact(books, request.match_info["contact_id"])
    return zoho_response(contact=contact_view(books, contact))


@routes.put("/books/v3/contacts/{contact_id}", name="contacts.update")
async def update_contact(request: web.Request) -> web.Response:
    """Replace the fields the body gives; all-or-nothing (a refused body changes nothing)."""
    books = org_books(request)
    contact = _contact(books, request.match_info["contact_id"])
    body = await json_body(request)
    updated = {**contact, "contact_persons": list(contact.get("contact_persons", []))}
    apply_fields(request.app[STORE], books, updated, body, timestamp(request))
    contact.clear()
    contact.update(updated)
    return zoho_response(
        "Contact has been updated successfully", contact=contact_view(books, contact)
    )


@routes.delete("/books/v3/contacts/{contact_id}", name="contacts.delete")
async def delete_contact(request: web.Request) -> web.Response:
    """Delete a contact; 1002 when it does not exist."""
    books = org_books(request)
    _contact(books, request.match_info["contact_id"])
    del books.contacts[request.match_info["contact_id"]]
    return zoho_response("The contact has been deleted.")
