"""What an invoice body must satisfy: customer, currency, taxes, numbering, lines.

Rules (``zoho-books-api.md`` sections 3.3 and 7):
- ``customer_id`` must be a contact of the organization;
- the invoice currency is the contact's; another ``currency_id`` is refused with
  ``config.currency_mismatch_code``; it must be enabled in the organization;
- a line's ``tax_id`` must be an active tax or tax group of the organization;
- ``quantity`` must be > 0 (Z-OAS), a negative ``rate`` is fine (discount lines);
- invoice numbers are unique per organization (``config.duplicate_invoice_number_code``),
  compared ignoring case; auto-numbering gives ``INV-000001``, ``INV-000002``, ...,
  and a body's number is honoured only with ``ignore_auto_number_generation=true``.
"""

from __future__ import annotations

from decimal import Decimal

from . import totals
from .config import SandboxConfig
from .envelope import ZohoError, invalid_value
from .store import JsonObject, OrgBooks
from .values import to_decimal, to_text

ZERO = Decimal(0)


def customer(books: OrgBooks, customer_id: object) -> JsonObject:
    """The contact an invoice is for."""
    contact = books.contacts.get(customer_id) if isinstance(customer_id, str) else None
    if contact is None:
        raise invalid_value("customer_id")
    return contact


def currency(
    books: OrgBooks, config: SandboxConfig, contact: JsonObject, currency_id: object
) -> JsonObject:
    """The invoice currency: the contact's; any other is refused."""
    if currency_id is not None and currency_id != contact["currency_id"]:
        if not isinstance(currency_id, str) or currency_id not in books.currencies:
            raise invalid_value("currency_id")
        raise ZohoError(
            400,
            config.currency_mismatch_code,
            "The currency of the invoice should be the same as the currency of the customer.",
        )
    found = books.currencies.get(contact["currency_id"])
    if found is None or not found.get("is_enabled", True):
        raise invalid_value("currency_id")
    return found


def tax(books: OrgBooks, tax_id: object) -> tuple[JsonObject, totals.AppliedTax]:
    """An active tax or tax group of the organization, with what it applies."""
    row = books.taxes.get(tax_id) if isinstance(tax_id, str) else None
    if row is None or row.get("is_inactive"):
        raise invalid_value("tax_id")
    members = [books.taxes[m] for m in row.get("taxes", [])] or [row]
    components = tuple(totals.TaxComponent(m["tax_name"], m["tax_percentage"]) for m in members)
    return row, totals.AppliedTax(components)


def discount(value: object, field: str) -> totals.Discount | None:
    """A discount ("12.5%" or an amount), or ``invalid_value``."""
    try:
        return totals.parse_discount(value)
    except (TypeError, ValueError) as exc:
        raise invalid_value(field) from exc


def line_input(books: OrgBooks, line: JsonObject) -> tuple[totals.Line, JsonObject | None]:
    """The arithmetic input of one (merged) line, and its tax row if it has one."""
    if "name" in line:
        to_text(line["name"], "name", max_length=100)
    if "description" in line:
        to_text(line["description"], "description", max_length=2000)
    quantity = to_decimal(line.get("quantity", 1), "quantity")
    if quantity <= 0:
        raise invalid_value("quantity")
    rate = to_decimal(line.get("rate", 0), "rate")
    tax_row, applied = tax(books, line["tax_id"]) if line.get("tax_id") else (None, None)
    parsed = totals.Line(rate, quantity, discount(line.get("discount"), "discount"), applied)
    return parsed, tax_row


def number_taken(books: OrgBooks, number: str, invoice_id: str | None = None) -> bool:
    """Whether another invoice of the organization already has ``number``."""
    key = number.strip().casefold()
    return any(
        inv["invoice_number"].strip().casefold() == key and inv["invoice_id"] != invoice_id
        for inv in books.invoices.values()
    )


def duplicate_number(config: SandboxConfig, number: str) -> ZohoError:
    """The refusal of an invoice number already in use."""
    return ZohoError(
        400,
        config.duplicate_invoice_number_code,
        f"Invoice number {number} has already been created. Please enter a different number.",
    )


def checked_number(
    books: OrgBooks, config: SandboxConfig, number: object, invoice_id: str | None = None
) -> str:
    """A caller-chosen invoice number, refused when empty, too long or taken."""
    text = to_text(number, "invoice_number", max_length=100).strip()
    if not text:
        raise invalid_value("invoice_number", code=4)
    if number_taken(books, text, invoice_id):
        raise duplicate_number(config, text)
    return text


def auto_number(books: OrgBooks) -> str:
    """The next free ``INV-000001``-style number of the organization."""
    while True:
        number = f"INV-{books.next_invoice_number:06d}"
        books.next_invoice_number += 1
        if not number_taken(books, number):
            return number


def exchange_rate(body: JsonObject, invoice_currency: JsonObject) -> Decimal:
    """``exchange_rate`` from the body (> 0), else the currency's."""
    if "exchange_rate" not in body:
        return Decimal(invoice_currency["exchange_rate"])
    rate = to_decimal(body["exchange_rate"], "exchange_rate")
    if rate <= ZERO:
        raise invalid_value("exchange_rate")
    return rate
