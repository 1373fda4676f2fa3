"""Printing what the demo ended up with: invoices, contacts, orders, dead letters, Zoho calls."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any


def print_invoices(invoices: list[dict[str, Any]], contacts: dict[str, str]) -> None:
    """The draft invoices in the sandbox, as an accountant would list them."""
    print(f"\nInvoices in Zoho Books ({len(invoices)}):")
    print(f"  {'number':<12} {'reference':<10} {'customer':<42} {'total':>10}  status")
    for invoice in sorted(invoices, key=lambda i: str(i["invoice_number"])):
        customer = contacts.get(str(invoice["customer_id"]), "?")
        total = f"{_money(invoice['total'])} {invoice['currency_code']}"
        rounding = invoice.get("adjustment")
        adjustment = f"  (rounding {_money(rounding)})" if rounding else ""
        print(
            f"  {invoice['invoice_number']:<12} {invoice['reference_number']:<10} "
            f"{customer:<42} {total:>10}  {invoice['status']}{adjustment}"
        )


def _money(value: object) -> str:
    return f"{Decimal(str(value)):.2f}"


def print_contacts(contacts: list[dict[str, Any]]) -> None:
    """The contacts the worker found or created."""
    print(f"\nContacts ({len(contacts)}):")
    for contact in contacts:
        email = next(
            (
                p.get("email", "")
                for p in contact.get("contact_persons", [])
                if p.get("is_primary_contact")
            ),
            "",
        )
        print(f"  {contact['contact_name']:<50} {email:<28} {contact.get('currency_code', '')}")


def print_orders(orders: list[dict[str, Any]]) -> None:
    """Each order's state in the worker, with its invoice number."""
    print("\nOrders in the worker:")
    for order in orders:
        number = (order.get("invoice") or {}).get("invoice_number", "-")
        reason = f"  ({order['reason']})" if order.get("reason") else ""
        print(f"  {order['order_id']:<6} {order['state']:<16} {number}{reason}")


def print_dead_letters(letters: list[tuple[str, str]]) -> None:
    """What went to the dead-letter queue, and why."""
    print(f"\nDead-letter queue ({len(letters)}):")
    for reason, detail in letters:
        print(f"  {reason}: {detail[:90]}")


def print_calls(calls: list[dict[str, Any]], invoices: int) -> None:
    """How many Zoho calls the run took, by request class."""
    books = [c for c in calls if not str(c["request_class"]).startswith("oauth.")]
    by_class = Counter(str(c["request_class"]) for c in books)
    listed = ", ".join(f"{name} {count}" for name, count in sorted(by_class.items()))
    per_invoice = len(books) / invoices if invoices else 0.0
    print(f"\nZoho Books calls: {len(books)} ({listed}); {per_invoice:.1f} per invoice")
    refused = Counter(
        f"{c['request_class']} code {c.get('code')}" for c in books if int(c["status"]) >= 300
    )
    if refused:
        print("  refused by Zoho: " + ", ".join(f"{k} x{n}" for k, n in sorted(refused.items())))
