"""WooCommerce orders as its REST API returns them, and a shop plugin's mapping onto our contract.

Shapes follow WooCommerce's REST API v3 documentation, ``GET /wp-json/wc/v3/orders/<id>``:
https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
(source: https://github.com/woocommerce/woocommerce-rest-api-docs/blob/trunk/source/includes/wp-api-v3/_orders.md)
and a published response, https://pastecode.io/s/7ru2d0uLuD. Their habits, kept here:
every empty field is ``""`` (``company``, ``address_2``, ``state``, ``phone``, ``sku``,
``tax_class``); ``id`` is an integer; a line's ``price`` is a JSON number while its
``total`` and the order's ``total`` are strings; ``*_gmt`` dates carry no offset; a guest
has ``customer_id: 0``; a virtual order's shipping address is all ``""``.

``to_contract`` is what a careful-but-literal plugin does: it renames fields to ours and
copies the values as they are (so ``""`` stays ``""``), reads each line's VAT rate from
``tax_lines[].rate_percent``, and adds ``Z`` to the GMT dates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from .shop_math import Charge, grand_total

Json = dict[str, Any]
D = Decimal


def address(**fields: str) -> Json:
    """A WooCommerce address: every field present, ``""`` when empty."""
    keys = ("first_name", "last_name", "company", "address_1", "address_2", "city", "state")
    blank = dict.fromkeys((*keys, "postcode", "country"), "")
    return {**blank, **fields}


def billing(email: str, phone: str = "", **fields: str) -> Json:
    """A billing address, which also holds the email and phone."""
    return {**address(**fields), "email": email, "phone": phone}


def line_item(
    item_id: int, name: str, quantity: int | Decimal, price: Decimal | int, rate_id: int | None
) -> Json:
    """A line as WooCommerce lists it: ``price`` a number, totals strings."""
    total = D(price) * D(quantity)
    return {
        "id": item_id,
        "name": name,
        "product_id": 90 + item_id,
        "variation_id": 0,
        "quantity": quantity,
        "tax_class": "",
        "subtotal": f"{total:.2f}",
        "subtotal_tax": "0.00",
        "total": f"{total:.2f}",
        "total_tax": "0.00",
        "taxes": [] if rate_id is None else [{"id": rate_id, "total": "", "subtotal": ""}],
        "meta_data": [],
        "sku": "",
        "price": price,
    }


def tax_line(rate_id: int, percent: int) -> Json:
    """An entry of the order's ``tax_lines``."""
    return {
        "id": 300 + rate_id,
        "rate_code": f"IT-IVA {percent}%-1",
        "rate_id": rate_id,
        "label": f"IVA {percent}%",
        "compound": False,
        "tax_total": "",
        "shipping_tax_total": "0.00",
        "rate_percent": percent,
        "meta_data": [],
    }


def order(number: int, **fields: Any) -> Json:
    """A paid (``processing``) order; ``fields`` replace the defaults."""
    document: Json = {
        "id": number,
        "parent_id": 0,
        "number": str(number),
        "order_key": f"wc_order_{number}abc",
        "created_via": "checkout",
        "version": "9.4.2",
        "status": "processing",
        "currency": "EUR",
        "date_created": "2026-11-23T11:02:11",
        "date_created_gmt": "2026-11-23T10:02:11",
        "date_paid": "2026-11-23T11:02:40",
        "date_paid_gmt": "2026-11-23T10:02:40",
        "date_completed": None,
        "date_completed_gmt": None,
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "cart_tax": "0.00",
        "total": "0.00",
        "total_tax": "0.00",
        "prices_include_tax": False,
        "customer_id": 0,
        "customer_ip_address": "",
        "customer_user_agent": "",
        "customer_note": "",
        "billing": billing("guest@example.com"),
        "shipping": address(),
        "payment_method": "bacs",
        "payment_method_title": "Direct Bank Transfer",
        "transaction_id": "",
        "cart_hash": "",
        "meta_data": [],
        "line_items": [],
        "tax_lines": [],
        "shipping_lines": [],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [],
    }
    document.update(fields)
    return document


def shipping_line(title: str, total: str) -> Json:
    """An entry of ``shipping_lines``."""
    return {
        "id": 400,
        "method_title": title,
        "method_id": "flat_rate",
        "instance_id": "1",
        "total": total,
        "total_tax": "0.00",
        "taxes": [],
        "meta_data": [],
    }


def coupon_line(code: str, discount: str) -> Json:
    """An entry of ``coupon_lines``."""
    return {"id": 500, "code": code, "discount": discount, "discount_tax": "0.00", "meta_data": []}


# -- the plugin's mapping --------------------------------------------------------------------


def to_contract(document: Json) -> Json:
    """The order event's ``data`` the plugin publishes for ``document``."""
    rates = {t["rate_id"]: t["rate_percent"] for t in document["tax_lines"]}
    lines = [_line(item, rates) for item in document["line_items"]]
    # One VAT rate on the cart: coupons and shipping carry it (else they go untaxed).
    cart_rates = {line["tax_rate"] for line in lines}
    cart_rate = cart_rates.pop() if len(cart_rates) == 1 else ""
    bill = document["billing"]
    data: Json = {
        "id": document["id"],
        "number": document["number"],
        "status": document["status"],
        "currency": document["currency"],
        "placed_at": _gmt(document["date_created_gmt"]),
        "paid_at": _gmt(document["date_paid_gmt"]),
        "prices_include_tax": document["prices_include_tax"],
        "customer": {
            "email": bill["email"],
            "first_name": bill["first_name"],
            "last_name": bill["last_name"],
            "company": bill["company"],
            "phone": bill["phone"],
            "vat_number": _meta(document, "_billing_vat_number"),
        },
        "billing_address": _address(bill),
        "shipping_address": _address(document["shipping"]),
        "lines": lines,
        "discounts": [
            {"code": c["code"], "description": "", "amount": c["discount"], "tax_rate": cart_rate}
            for c in document["coupon_lines"]
        ],
        "shipping": _shipping(document, cart_rate),
        "total": document["total"],
        "exchange_rate": _meta(document, "_exchange_rate"),
    }
    return data


def _gmt(value: str | None) -> str | None:
    return f"{value}Z" if value else value


def _meta(document: Json, key: str) -> Any:
    return next((m["value"] for m in document["meta_data"] if m["key"] == key), "")


def _address(woo: Json) -> Json:
    return {
        "name": f"{woo['first_name']} {woo['last_name']}",
        "company": woo["company"],
        "line1": woo["address_1"],
        "line2": woo["address_2"],
        "city": woo["city"],
        "postcode": woo["postcode"],
        "region": woo["state"],
        "country": woo["country"],
    }


def _line(item: Json, rates: dict[int, int]) -> Json:
    variation = ", ".join(f"{m['display_key']}: {m['display_value']}" for m in item["meta_data"])
    rate = rates[item["taxes"][0]["id"]] if item["taxes"] else ""
    return {
        "sku": item["sku"],
        "name": item["name"],
        "description": variation,
        "quantity": item["quantity"],
        "unit_price": item["price"],
        "tax_rate": rate,
    }


def _shipping(document: Json, rate: Any) -> Json:
    if not document["shipping_lines"]:
        return {"description": "", "amount": document["shipping_total"], "tax_rate": ""}
    first = document["shipping_lines"][0]
    return {"description": first["method_title"], "amount": first["total"], "tax_rate": rate}


def priced(document: Json, *, tax_rounding: Literal["line", "total"] = "total") -> Json:
    """``document`` with its ``total`` as the shop works it out (WooCommerce: per rate)."""
    data = to_contract(document)
    rate = _rate_or_none
    charges = [
        Charge(D(line["unit_price"]), D(line["quantity"]), rate(line["tax_rate"]))
        for line in data["lines"]
    ]
    charges += [Charge(-D(d["amount"]), rate=rate(d["tax_rate"])) for d in data["discounts"]]
    shipping = data["shipping"]
    charges.append(Charge(D(shipping["amount"]), rate=rate(shipping["tax_rate"])))
    total = grand_total(
        charges, inclusive=bool(document["prices_include_tax"]), tax_rounding=tax_rounding
    )
    return {**document, "total": f"{total:.2f}"}


def _rate_or_none(value: Any) -> Decimal | None:
    return D(value) if value not in ("", None) else None
