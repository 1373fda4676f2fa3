"""Example events for ``schemas/examples/``: what a shop publishes, realistic and valid.

Money is written as strings (as we recommend), quantities as numbers (also accepted).
The guest example leaves fields empty as WooCommerce (``""``) and Shopify (``null``) do:
an optional field given so is simply absent.
"""

from __future__ import annotations

from typing import Any

JsonObject = dict[str, Any]
SOURCE = "https://shop.example"

_CUSTOMER = {
    "email": "giulia.rossi@example.it",
    "first_name": "Giulia",
    "last_name": "Rossi",
    "company": "Rossi Caffè S.r.l.",
    "phone": "+39 02 1234567",
    "vat_number": "IT01234567890",
}
_BILLING = {
    "line1": "Via Roma 12",
    "city": "Milano",
    "postcode": "20121",
    "region": "MI",
    "country": "IT",
    "company": "Rossi Caffè S.r.l.",
    "name": "Giulia Rossi",
}


def _event(event_id: str, event_type: str, time: str, data: JsonObject) -> JsonObject:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": SOURCE,
        "type": event_type,
        "time": time,
        "datacontenttype": "application/json",
        "subject": f"orders/{data['id']}",
        "data": data,
    }


def _order_1001(revision: int, beans: int, total: str) -> JsonObject:
    return {
        "id": "1001",
        "number": "#1001",
        "revision": revision,
        "status": "paid",
        "currency": "EUR",
        "placed_at": "2026-11-23T10:02:11+01:00",
        "paid_at": "2026-11-23T10:04:37+01:00",
        "prices_include_tax": False,
        "customer": _CUSTOMER,
        "billing_address": _BILLING,
        "shipping_address": {**_BILLING, "line1": "Via Torino 3", "postcode": "20123"},
        "lines": [
            {"sku": "ESP-1KG", "name": "Espresso beans 1 kg", "quantity": beans,
             "unit_price": "18.00", "tax_rate": "22"},
            {"sku": "PAN-1KG", "name": "Panettone 1 kg", "quantity": 1,
             "unit_price": "20.00", "tax_rate": "10"},
        ],
        "discounts": [
            {"code": "WELCOME", "description": "Welcome coupon (22% part)", "amount": "5.00",
             "tax_rate": "22"},
            {"code": "WELCOME", "description": "Welcome coupon (10% part)", "amount": "2.00",
             "tax_rate": "10"},
        ],
        "shipping": {"description": "Courier", "amount": "5.00", "tax_rate": "22"},
        "total": total,
    }  # fmt: skip


def _tax_inclusive() -> JsonObject:
    return {
        "id": "2002",
        "revision": 1,
        "status": "paid",
        "currency": "EUR",
        "placed_at": "2026-11-23T15:30:00+01:00",
        "prices_include_tax": True,
        "customer": {"email": "max.mueller@example.de", "first_name": "Max",
                     "last_name": "Müller"},
        "billing_address": {"line1": "Hauptstraße 5", "city": "Berlin", "postcode": "10115",
                            "country": "DE", "name": "Max Müller"},
        "lines": [{"sku": "HOOD-M", "name": "Hoodie, size M", "quantity": 1,
                   "unit_price": "59.50", "tax_rate": "19"}],
        "shipping": {"description": "DHL", "amount": "4.90", "tax_rate": "19"},
        "total": "64.40",
    }  # fmt: skip


def _guest_with_blanks() -> JsonObject:
    return {
        "id": 3003,
        "number": "",
        "revision": None,
        "status": "processing",
        "currency": "EUR",
        "placed_at": "2026-11-23T18:12:40Z",
        "prices_include_tax": "",
        "customer": {"email": "luca.bianchi@example.it", "first_name": "Luca",
                     "last_name": "Bianchi", "company": "", "phone": "", "vat_number": None},
        "billing_address": {"line1": "Corso Vercelli 8", "line2": "", "city": "Milano",
                            "postcode": "20145", "region": "MI", "country": "IT",
                            "company": "", "name": "Luca Bianchi"},
        "shipping_address": {"line1": "", "line2": "", "city": "", "postcode": "",
                             "region": "", "country": "", "company": "", "name": " "},
        "lines": [{"sku": "", "name": "Gift card", "description": "", "quantity": 1,
                   "unit_price": "25.00", "tax_rate": ""}],
        "discounts": [],
        "shipping": {"description": "", "amount": "0.00", "tax_rate": ""},
        "total": "25.00",
        "exchange_rate": "",
    }  # fmt: skip


def examples() -> dict[str, JsonObject]:
    """Example events by file name, in a stable order."""
    return {
        # Net prices, 22 % and 10 % VAT, a coupon split per rate, taxed shipping: 54.00 + 9.72.
        "order-paid-two-rates.json": _event(
            "9b2f6a0e-3c1d-4f7e-9a53-0c2f1e7d8b11", "order.paid", "2026-11-23T09:04:38Z",
            _order_1001(revision=3, beans=2, total="63.72"),
        ),
        "order-paid-tax-inclusive.json": _event(
            "4c8e1d52-7a0b-4b9e-8f13-5d2a6c9e0f21", "order.paid", "2026-11-23T14:31:02Z",
            _tax_inclusive(),
        ),
        # A guest checkout with empty fields: an untaxed gift card, no shipping.
        "order-paid-guest-blanks.json": _event(
            "6a1f0c3e-95d2-4b7a-8e46-2f0b9c7d1a53", "order.paid", "2026-11-23T17:13:05Z",
            _guest_with_blanks(),
        ),
        # One more bag of beans: +18.00 net, +3.96 VAT.
        "order-updated.json": _event(
            "0f6d3b7a-2e48-4c15-b9a1-7e3c5d8f2a64", "order.updated", "2026-11-23T09:40:12Z",
            _order_1001(revision=4, beans=3, total="85.68"),
        ),
        "order-deleted.json": _event(
            "e27a9c4f-8b31-4d06-a5e2-1c9f7b3d6e80", "order.deleted", "2026-11-24T08:15:00Z",
            {"id": "1001", "revision": 5},
        ),
    }  # fmt: skip
