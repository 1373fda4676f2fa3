"""Contacts: building and updating them from request bodies, and how they are shown.

Rules (``zoho-books-api.md`` section 3.1 and pitfall 9):
- ``contact_name`` is unique per organization, compared ignoring case and
  surrounding spaces; a clash is HTTP 400, code 3062;
- email, names and phone live on the primary ``contact_persons`` entry; the
  contact shows them at the top level;
- ``currency_id`` must be an enabled currency (default: the base currency) and
  cannot change once the contact has invoices;
- a PUT replaces the fields it gives and keeps the others; the persons it gives
  replace the old list (entries with a known ``contact_person_id`` keep it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .envelope import ZohoError, invalid_value
from .seed import base_currency
from .store import BooksStore, JsonObject, OrgBooks
from .values import to_bool, to_int, to_text

# Set by the sandbox, never copied from a body.
READ_ONLY = frozenset(
    {
        "contact_id",
        "status",
        "created_time",
        "last_modified_time",
        "has_transaction",
        "outstanding_receivable_amount",
        "unused_credits_receivable_amount",
        "primary_contact_id",
        "currency_code",
        "currency_symbol",
    }
)
HANDLED = frozenset({"contact_name", "currency_id", "contact_persons", "payment_terms"})
PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "mobile")
ADDRESS_FIELDS = (
    "attention",
    "address",
    "street2",
    "state_code",
    "city",
    "state",
    "zip",
    "country",
    "fax",
    "phone",
)
CONTACT_TYPES = ("customer", "vendor")
ZERO = Decimal(0)


def name_clash(name: str) -> ZohoError:
    """Zoho's answer to a display name already in use."""
    return ZohoError(
        400, 3062, f'The customer "{name}" already exists. Please specify a different name.'
    )


def check_name(books: OrgBooks, name: str, contact_id: str | None = None) -> None:
    """Refuse a display name another contact of the organization already has."""
    key = name.strip().casefold()
    for other in books.contacts.values():
        if other["contact_id"] != contact_id and other["contact_name"].strip().casefold() == key:
            raise name_clash(name)


def new_contact(store: BooksStore, books: OrgBooks, body: JsonObject, now: str) -> JsonObject:
    """A contact built from a create body (``contact_name`` required)."""
    if "contact_name" not in body:
        raise invalid_value("contact_name", code=4)
    contact: JsonObject = {
        "contact_id": store.new_id(books.organization_id),
        "contact_type": "customer",
        "customer_sub_type": "business",
        "status": "active",
        "payment_terms": 0,
        "payment_terms_label": "Due on Receipt",
        "notes": "",
        "company_name": "",
        "billing_address": address({}),
        "shipping_address": address({}),
        "contact_persons": [],
        "custom_fields": [],
        "created_time": now,
    }
    _set_currency(books, contact, base_currency(books)["currency_id"])
    apply_fields(store, books, contact, body, now)
    return contact


def apply_fields(
    store: BooksStore, books: OrgBooks, contact: JsonObject, body: JsonObject, now: str
) -> None:
    """Write the fields ``body`` gives onto ``contact`` (create and PUT)."""
    if "contact_name" in body:
        name = to_text(body["contact_name"], "contact_name", max_length=200)
        if not name.strip():
            raise invalid_value("contact_name")
        check_name(books, name, contact["contact_id"])
        contact["contact_name"] = name
    if "currency_id" in body:
        _change_currency(books, contact, body["currency_id"])
    if "payment_terms" in body:
        contact["payment_terms"] = to_int(body["payment_terms"], "Payment Terms", low=0)
    if "contact_persons" in body:
        contact["contact_persons"] = persons(store, books, contact, body["contact_persons"])
    for key, value in body.items():
        if key not in READ_ONLY and key not in HANDLED:
            contact[key] = _plain_field(key, value)
    contact["last_modified_time"] = now


def _plain_field(key: str, value: Any) -> Any:
    if key in ("billing_address", "shipping_address"):
        if not isinstance(value, dict):
            raise invalid_value(key)
        return address(value)
    if key == "contact_type" and value not in CONTACT_TYPES:
        raise invalid_value(key)
    return value


def address(given: JsonObject) -> JsonObject:
    """An address with every field Zoho returns (missing ones empty)."""
    return {**dict.fromkeys(ADDRESS_FIELDS, ""), **given}


def _change_currency(books: OrgBooks, contact: JsonObject, currency_id: object) -> None:
    if currency_id == contact.get("currency_id"):
        return
    if has_invoices(books, contact["contact_id"]):
        raise ZohoError(400, 2, "Currency cannot be changed for a contact that has transactions.")
    _set_currency(books, contact, currency_id)


def _set_currency(books: OrgBooks, contact: JsonObject, currency_id: object) -> None:
    currency = books.currencies.get(currency_id) if isinstance(currency_id, str) else None
    if currency is None or not currency.get("is_enabled", True):
        raise invalid_value("currency_id")
    contact["currency_id"] = currency["currency_id"]
    contact["currency_code"] = currency["currency_code"]
    contact["currency_symbol"] = currency["currency_symbol"]


def persons(
    store: BooksStore, books: OrgBooks, contact: JsonObject, given: object
) -> list[JsonObject]:
    """The new ``contact_persons`` list: known ids kept, new entries get ids, one primary."""
    if not isinstance(given, list) or not all(isinstance(p, dict) for p in given):
        raise invalid_value("contact_persons")
    old = {p["contact_person_id"]: p for p in contact.get("contact_persons", [])}
    result = []
    for entry in given:
        known = entry.get("contact_person_id")
        person = dict(old.get(known, {})) if isinstance(known, str) else {}
        person.update({k: v for k, v in entry.items() if k != "contact_person_id"})
        person.setdefault("contact_person_id", store.new_id(books.organization_id))
        person["is_primary_contact"] = to_bool(
            person.get("is_primary_contact", False), "is_primary_contact"
        )
        result.append({**dict.fromkeys(PERSON_FIELDS, ""), **person})
    if result and not any(p["is_primary_contact"] for p in result):
        result[0]["is_primary_contact"] = True
    return result


def primary_person(contact: JsonObject) -> JsonObject:
    """The primary contact person, or an empty one."""
    people = contact.get("contact_persons", [])
    return next((p for p in people if p.get("is_primary_contact")), people[0] if people else {})


def has_invoices(books: OrgBooks, contact_id: str) -> bool:
    """Whether any invoice of the organization is for this contact."""
    return any(inv["customer_id"] == contact_id for inv in books.invoices.values())


def outstanding(books: OrgBooks, contact_id: str) -> Decimal:
    """What the contact still owes on sent invoices."""
    return sum(
        (
            inv["balance"]
            for inv in books.invoices.values()
            if inv["customer_id"] == contact_id and inv["status"] not in ("draft", "void")
        ),
        ZERO,
    )


def contact_view(books: OrgBooks, contact: JsonObject) -> JsonObject:
    """The full contact object (create, get and update responses)."""
    person = primary_person(contact)
    return {
        **contact,
        **{f: person.get(f, "") for f in PERSON_FIELDS},
        "primary_contact_id": person.get("contact_person_id", ""),
        "has_transaction": has_invoices(books, contact["contact_id"]),
        "outstanding_receivable_amount": outstanding(books, contact["contact_id"]),
        "unused_credits_receivable_amount": ZERO,
    }


ROW_FIELDS = (
    "contact_id",
    "contact_name",
    "company_name",
    "contact_type",
    "status",
    "payment_terms",
    "payment_terms_label",
    "currency_id",
    "currency_code",
    "outstanding_receivable_amount",
    "unused_credits_receivable_amount",
    *PERSON_FIELDS,
    "created_time",
    "last_modified_time",
)


def contact_row(books: OrgBooks, contact: JsonObject) -> JsonObject:
    """A contact as ``GET /contacts`` lists it."""
    view = contact_view(books, contact)
    return {name: view.get(name, "") for name in ROW_FIELDS}
