"""An order's customer to a Zoho contact (SPEC §4 "Contact").

A contact is keyed by (lower-cased email, currency): a Zoho contact has one
currency. The display name is the company, else first + last name, else the
email itself (a guest who gave only an email: the whole address, since local
parts such as "info" clash across customers and say nothing to an accountant);
on a name clash the service retries with ``name_with_email`` and, for a second
currency, ``name_with_email_and_currency``. Every display name is at most
``NAME_LIMIT`` characters. The email lives on the primary contact person (Zoho's
create body has no top-level email).
``contact_changes`` (in ``contact_changes``) gives what to write back later.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from worker.events import Customer, Order

from .contact_changes import ContactSnapshot, contact_changes
from .contact_fields import billing_fields, country_name, tax_number

# Zoho's contact list filters (contact_name, used to find a clashing name) take at most
# 100 characters (zoho-books-api.md §3.1); a longer display name could never be found.
NAME_LIMIT = 100

__all__ = [
    "NAME_LIMIT",
    "ContactSnapshot",
    "billing_fields",
    "billing_fingerprint",
    "contact_changes",
    "contact_key",
    "country_name",
    "display_name",
    "name_with_email",
    "name_with_email_and_currency",
    "new_contact_payload",
    "tax_number",
]


def contact_key(order: Order) -> tuple[str, str]:
    """The contact's key: the customer's email lower-cased, and the order's currency."""
    return order.customer.email.strip().lower(), order.currency


def display_name(customer: Customer) -> str:
    """The contact's display name: company, else first + last name, else the email."""
    person = " ".join(part for part in (customer.first_name, customer.last_name) if part)
    return _fit(customer.company or person or customer.email)


def name_with_email(name: str, email: str) -> str:
    """The first fallback on a name clash: "Name (email)", the name cut to fit."""
    return _fit_with(name, f" ({email})")


def name_with_email_and_currency(name: str, email: str, currency: str) -> str:
    """The fallback for a second currency of one customer: "Name (email, CUR)"."""
    return _fit_with(name, f" ({email}, {currency})")


def _fit(name: str) -> str:
    # A cut can end on a space; Zoho trims names, and the name is compared as sent.
    return name[:NAME_LIMIT].rstrip()


def _fit_with(name: str, suffix: str) -> str:
    room = NAME_LIMIT - len(suffix)
    return _fit(f"{name[:room].rstrip()}{suffix}" if room > 0 else f"{name}{suffix}")


def new_contact_payload(
    order: Order, currency_id: str, name: str, tax_id_field: str | None
) -> dict[str, Any]:
    """The body of ``POST /contacts`` for the order's customer."""
    customer = order.customer
    company = (order.billing_address and order.billing_address.company) or customer.company
    optional = {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "phone": customer.phone,
    }
    person: dict[str, Any] = {"email": customer.email, "is_primary_contact": True}
    person.update({key: value for key, value in optional.items() if value})
    payload: dict[str, Any] = {
        "contact_name": name,
        "contact_type": "customer",
        "customer_sub_type": "business" if company else "individual",
        "currency_id": currency_id,
        "contact_persons": [person],
    }
    if company:
        payload["company_name"] = company
    if billing := billing_fields(order.billing_address):
        payload["billing_address"] = billing
    if tax_id_field and (number := tax_number(customer)):
        payload[tax_id_field] = number
    return payload


def billing_fingerprint(order: Order) -> str:
    """A hash of the billing data the contact carries, to skip unchanged write-backs."""
    customer = order.customer
    data = {
        "billing_address": billing_fields(order.billing_address),
        "phone": customer.phone,
        "tax_number": tax_number(customer),
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
