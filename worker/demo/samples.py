"""The orders ``zbsync demo`` publishes: what a small Italian shop's week looks like.

Totals are the shop's own (VAT rounded on each rate's total), so one of them
needs Zoho's one-cent "Rounding" adjustment.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

GIULIA = {
    "email": "giulia.rossi@example.it",
    "first_name": "Giulia",
    "last_name": "Rossi",
    "phone": "+39 02 555 0101",
}
GIULIA_ADDRESS = {
    "line1": "Via Torino 12",
    "city": "Milano",
    "postcode": "20123",
    "region": "MI",
    "country": "IT",
}
MAX = {
    "email": "max.mueller@example.de",
    "first_name": "Max",
    "last_name": "Müller",
    "company": "Müller Feinkost GmbH",
    "vat_number": "DE123456789",
}
MAX_ADDRESS = {
    "line1": "Schillerstraße 5",
    "city": "München",
    "postcode": "80336",
    "country": "DE",
    "company": "Müller Feinkost GmbH",
}
ADA = {"email": "ada@example.co.uk", "first_name": "Ada", "last_name": "Lovelace"}
BEANS = {"sku": "ESP-1KG", "name": "Espresso beans 1 kg", "unit_price": "18.90", "tax_rate": "22"}
BOOK = {
    "sku": "BK-MOKA",
    "name": "The moka pot guide (book)",
    "quantity": 1,
    "unit_price": "12.00",
    "tax_rate": "4",
}
WELCOME = {"code": "WELCOME10", "description": "10% off coffee", "amount": "3.78", "tax_rate": "22"}
COURIER = {"description": "Courier, 24 h", "amount": "6.90", "tax_rate": "22"}


def _order(order_id: str, revision: int, customer: dict[str, str], **rest: Any) -> dict[str, Any]:
    return {
        "id": order_id,
        "number": f"#{order_id}",
        "revision": revision,
        "status": "paid",
        "currency": "EUR",
        "placed_at": "2026-11-23T09:30:00Z",
        "customer": customer,
        **rest,
    }


def _coffee_order(*, revision: int, bags: int, total: str) -> dict[str, Any]:
    """Order 1001: beans, a book, the coupon and the courier; the update changes the bags."""
    return _order(
        "1001",
        revision,
        GIULIA,
        billing_address=GIULIA_ADDRESS,
        discounts=[WELCOME],
        shipping=COURIER,
        lines=[{**BEANS, "quantity": bags}, BOOK],
        total=total,
    )


def sample_orders() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, event type, order data): the week's paid orders."""
    return [
        (
            "new customer, two VAT rates, a coupon and shipping",
            "order.paid",
            _coffee_order(revision=1, bags=2, total="62.40"),
        ),
        (
            "the same customer again",
            "order.paid",
            _order(
                "1002",
                1,
                GIULIA,
                billing_address=GIULIA_ADDRESS,
                total="29.89",
                lines=[
                    {
                        "sku": "CUP-6",
                        "name": "Espresso cups, set of 6",
                        "quantity": 1,
                        "unit_price": "24.50",
                        "tax_rate": "22",
                    }
                ],
            ),
        ),
        (
            "a business customer, prices including VAT",
            "order.paid",
            _order(
                "1003",
                1,
                MAX,
                billing_address=MAX_ADDRESS,
                prices_include_tax=True,
                total="42.10",
                lines=[
                    {
                        "name": "Panettone 1 kg",
                        "quantity": 1,
                        "unit_price": "29.90",
                        "tax_rate": "10",
                    },
                    {"name": "Gift box", "quantity": 1, "unit_price": "12.20", "tax_rate": "22"},
                ],
            ),
        ),
        (
            "the first customer pays in US dollars",
            "order.paid",
            _order(
                "1004",
                1,
                GIULIA,
                currency="USD",
                exchange_rate="0.92",
                total="36.60",
                billing_address=GIULIA_ADDRESS,
                lines=[
                    {
                        "name": "Moka pot, 6 cups",
                        "quantity": 1,
                        "unit_price": "30.00",
                        "tax_rate": "22",
                    }
                ],
            ),
        ),
        (
            "a paid order the shop will delete",
            "order.paid",
            _order(
                "1005",
                1,
                ADA,
                total="18.30",
                lines=[
                    {"name": "Tea sampler", "quantity": 1, "unit_price": "15.00", "tax_rate": "22"}
                ],
            ),
        ),
    ]


def later_events() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, event type, order data): what happens once the invoices exist."""
    return [
        (
            "three bags of beans instead of two",
            "order.updated",
            _coffee_order(revision=2, bags=3, total="85.46"),
        ),
        ("the shop deletes the order", "order.deleted", {"id": "1005", "revision": 2}),
    ]


def envelope(event_type: str, data: dict[str, Any], minute: int) -> bytes:
    """The CloudEvent a shop publishes."""
    time = datetime(2026, 11, 23, 9, 30, tzinfo=UTC) + timedelta(minutes=minute)
    return json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "https://shop.example",
            "type": event_type,
            "time": time.isoformat().replace("+00:00", "Z"),
            "datacontenttype": "application/json",
            "data": data,
        }
    ).encode()


MALFORMED = (b'{"specversion": "1.0", "type": "order.paid", "data": {"id": "1006"', "order.paid")
