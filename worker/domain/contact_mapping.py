"""An order's customer to a Zoho contact (SPEC §4 "Contact").

A contact is keyed by (lower-cased email, currency): a Zoho contact has one
currency. The display name is the company, else first + last name, else the
email's local part; on a name clash the service retries with ``name_with_email``
and, for a second currency, ``name_with_email_and_currency``. The email lives on
the primary contact person (Zoho's create body has no top-level email).
``contact_changes`` (in ``contact_changes``) gives what to write back later.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from worker.events import Customer, Order

from .contact_changes import ContactSnapshot, contact_changes
from .contact_fields import billing_fields, country_name, tax_number

__all__ = [
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
    """The contact's display name: company, else first + last name, else the email's local part."""
    if customer.company:
        return customer.company
    person = " ".join(part for part in (customer.first_name, customer.last_name) if part)
    return person or customer.email.split("@", 1)[0]


def name_with_email(name: str, email: str) -> str:
    """The first fallback on a name clash: "Name (email)"."""
    return f"{name} ({email})"


def name_with_email_and_currency(name: str, email: str, currency: str) -> str:
    """The fallback for a second currency of one customer: "Name (email, CUR)"."""
    return f"{name} ({email}, {currency})"


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
