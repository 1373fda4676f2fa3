"""Shopify ``orders/paid`` webhook bodies, and a shop app's mapping onto our contract.

Shapes follow Shopify's Order resource (the webhook body is the order):
https://shopify.dev/docs/api/admin-rest/latest/resources/order
and its published webhook sample, https://gist.github.com/Doko-Demo-Doa/086bd006c6f4c72186a6840096a08941.
Their habits, kept here: an empty field is ``null`` (``company``, ``address2``, ``phone``,
``province_code``, ``sku``, ``variant_title``); a guest checkout may have no ``customer``;
an order that needs no shipping has ``shipping_address: null`` and ``shipping_lines: []``;
``id`` is a large integer; money is a string ("199.00"); a tax line's ``rate`` is a
fraction (0.22); ``taxes_included`` says whether prices are gross; the amount due after
edits is ``current_total_price``; ``name`` is the display number ("#1001").

``to_contract`` renames fields to ours and copies values as they are (``null`` stays
``null``), turning the tax fraction into a percentage.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .shop_math import Charge, grand_total

Json = dict[str, Any]
D = Decimal


def address(**fields: Any) -> Json:
    """A Shopify address: every field present, ``null`` when empty."""
    keys = (
        "first_name", "last_name", "name", "company", "address1", "address2", "city",
        "province", "province_code", "zip", "country", "country_code", "phone", "latitude",
        "longitude",
    )  # fmt: skip
    return {**dict.fromkeys(keys), **fields}


def line_item(
    item_id: int, title: str, quantity: int, price: str, rate: str | None, **fields: Any
) -> Json:
    """A line: ``price`` a string, ``tax_lines`` with the rate as a fraction."""
    tax_lines = [] if rate is None else [{"title": "IVA", "price": "0.00", "rate": D(rate)}]
    item: Json = {
        "id": 466157049 + item_id,
        "variant_id": 39072856 + item_id,
        "product_id": 632910392 + item_id,
        "title": title,
        "name": title,
        "variant_title": None,
        "vendor": None,
        "quantity": quantity,
        "price": price,
        "sku": None,
        "taxable": rate is not None,
        "total_discount": "0.00",
        "tax_lines": tax_lines,
        "discount_allocations": [],
    }
    item.update(fields)
    return item


def order(order_id: int, **fields: Any) -> Json:
    """A paid order as the ``orders/paid`` webhook sends it; ``fields`` replace the defaults."""
    document: Json = {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": "#1001",
        "number": 1,
        "order_number": 1001,
        "email": "guest@example.com",
        "contact_email": "guest@example.com",
        "phone": None,
        "created_at": "2026-11-23T11:02:11+01:00",
        "processed_at": "2026-11-23T11:02:11+01:00",
        "closed_at": None,
        "cancelled_at": None,
        "currency": "EUR",
        "presentment_currency": "EUR",
        "financial_status": "paid",
        "fulfillment_status": None,
        "taxes_included": True,
        "total_price": "0.00",
        "current_total_price": "0.00",
        "subtotal_price": "0.00",
        "total_tax": "0.00",
        "total_discounts": "0.00",
        "note": None,
        "tags": "",
        "customer": None,
        "billing_address": None,
        "shipping_address": None,
        "line_items": [],
        "discount_codes": [],
        "shipping_lines": [],
        "tax_lines": [],
    }
    document.update(fields)
    return document


def customer(email: str, **fields: Any) -> Json:
    """The ``customer`` object of an account holder."""
    base = {"id": 207119551, "email": email, "first_name": None, "last_name": None, "phone": None}
    return {**base, "state": "enabled", "currency": "EUR", "tax_exempt": False, **fields}


def shipping_line(title: str, price: str, rate: str | None) -> Json:
    """An entry of ``shipping_lines``."""
    tax_lines = [] if rate is None else [{"title": "IVA", "price": "0.00", "rate": D(rate)}]
    return {"id": 271878346, "title": title, "code": title, "price": price, "tax_lines": tax_lines}


def discount_code(code: str, amount: str) -> Json:
    """An entry of ``discount_codes``."""
    return {"code": code, "amount": amount, "type": "fixed_amount"}


# -- the app's mapping -----------------------------------------------------------------------


def to_contract(document: Json) -> Json:
    """The order event's ``data`` the app publishes for ``document``."""
    person = document["customer"] or {}
    bill = document["billing_address"]
    lines = [_line(item) for item in document["line_items"]]
    rates = {line["tax_rate"] for line in lines}
    cart_rate = rates.pop() if len(rates) == 1 else None
    return {
        "id": document["id"],
        "number": document["name"],
        "status": document["financial_status"],
        "currency": document["currency"],
        "placed_at": document["created_at"],
        "paid_at": document["processed_at"],
        "prices_include_tax": document["taxes_included"],
        "customer": {
            "email": document["email"] or person.get("email"),
            "first_name": person.get("first_name") or (bill and bill["first_name"]),
            "last_name": person.get("last_name") or (bill and bill["last_name"]),
            "company": bill and bill["company"],
            "phone": person.get("phone") or document["phone"],
        },
        "billing_address": _address(bill),
        "shipping_address": _address(document["shipping_address"]),
        "lines": lines,
        "discounts": [
            {"code": d["code"], "amount": d["amount"], "tax_rate": cart_rate}
            for d in document["discount_codes"]
        ],
        "shipping": _shipping(document["shipping_lines"]),
        "total": document["current_total_price"],
    }


def _percent(tax_lines: list[Json]) -> Decimal | None:
    return tax_lines[0]["rate"] * 100 if tax_lines else None


def _address(shopify: Json | None) -> Json | None:
    if shopify is None:
        return None
    return {
        "name": shopify["name"],
        "company": shopify["company"],
        "line1": shopify["address1"],
        "line2": shopify["address2"],
        "city": shopify["city"],
        "postcode": shopify["zip"],
        "region": shopify["province_code"],
        "country": shopify["country_code"],
    }


def _line(item: Json) -> Json:
    return {
        "sku": item["sku"],
        "name": item["name"],
        "description": item["variant_title"],
        "quantity": item["quantity"],
        "unit_price": item["price"],
        "tax_rate": _percent(item["tax_lines"]),
    }


def _shipping(shipping_lines: list[Json]) -> Json | None:
    if not shipping_lines:
        return None
    first = shipping_lines[0]
    return {
        "description": first["title"],
        "amount": first["price"],
        "tax_rate": _percent(first["tax_lines"]),
    }


def priced(document: Json, *, precision: int = 2) -> Json:
    """``document`` with ``current_total_price`` (and ``total_price``) as Shopify works it out."""
    data = to_contract(document)
    charges = [
        Charge(D(line["unit_price"]), D(line["quantity"]), line["tax_rate"])
        for line in data["lines"]
    ]
    charges += [Charge(-D(d["amount"]), rate=d["tax_rate"]) for d in data["discounts"]]
    if data["shipping"] is not None:
        charges.append(Charge(D(data["shipping"]["amount"]), rate=data["shipping"]["tax_rate"]))
    total = grand_total(charges, precision=precision, inclusive=bool(document["taxes_included"]))
    text = f"{total:.{precision}f}"
    return {**document, "total_price": text, "current_total_price": text}
