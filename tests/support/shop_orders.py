"""One revision of a shop order, and the JSON a WooCommerce or a Shopify store sends for it.

The two shapes differ the way the platforms do once mapped onto our contract
(SPEC §2): WooCommerce sends ``""`` for every empty field, ids and quantities as
numbers, prices as numbers, tax rates as ``"22.0000"``, an all-empty shipping
address for a virtual order; Shopify sends ``null`` for empty fields, money as
strings, tax rates as numbers, a local offset on its timestamps. Totals are the
shop's own (exact arithmetic, rounded once), which may differ from Zoho's by a
cent or two: that is what the worker's "Rounding" adjustment is for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

Shape = Literal["woocommerce", "shopify"]
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ADDRESS_KEYS = ("line1", "line2", "city", "postcode", "region", "country", "company", "name")
SHOPIFY_OFFSET = timezone(timedelta(hours=1))


def round_cents(value: Decimal) -> Decimal:
    """Half-up to cents, as shops and Zoho round."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Address:
    """A billing address."""

    line1: str
    city: str
    postcode: str
    country: str
    line2: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Customer:
    """Who buys; ``email`` as the shop has it this time (its case may vary)."""

    email: str
    first_name: str
    last_name: str
    address: Address
    company: str | None = None
    phone: str | None = None
    vat_number: str | None = None


@dataclass(frozen=True)
class Line:
    """A product line; ``tax_rate`` None is untaxed."""

    name: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal | None
    sku: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Charge:
    """A discount (``code`` set) or shipping (``code`` None): an amount at one VAT rate."""

    amount: Decimal
    tax_rate: Decimal | None
    code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """One revision of an order, independent of the platform that sends it."""

    order_id: str
    number: str
    shape: Shape
    status: str
    currency: str
    customer: Customer
    lines: tuple[Line, ...]
    placed_at: datetime
    revision: int = 1
    discount: Charge | None = None
    shipping: Charge | None = None
    prices_include_tax: bool = False
    exchange_rate: Decimal | None = None
    paid: bool = False

    def revised(self, **changes: Any) -> Snapshot:
        """The next revision with ``changes``."""
        return replace(self, revision=self.revision + 1, **changes)

    def _amounts(self) -> list[tuple[Decimal, Decimal | None]]:
        amounts = [(line.quantity * line.unit_price, line.tax_rate) for line in self.lines]
        if self.discount is not None:
            amounts.append((-self.discount.amount, self.discount.tax_rate))
        if self.shipping is not None and self.shipping.amount:
            amounts.append((self.shipping.amount, self.shipping.tax_rate))
        return amounts

    def total(self) -> Decimal:
        """The shop's grand total: exact arithmetic, VAT on top unless included, rounded once."""
        if self.prices_include_tax:
            return round_cents(sum((net for net, _ in self._amounts()), Decimal(0)))
        gross = (net * (1 + (rate or 0) / HUNDRED) for net, rate in self._amounts())
        return round_cents(sum(gross, Decimal(0)))

    def zoho_total(self) -> Decimal:
        """What Zoho computes before any adjustment: rates, lines and each line's tax rounded."""
        lines = [(round_cents(round_cents(price) * qty), rate) for qty, price, rate in self._rows()]
        total = sum((amount for amount, _ in lines), Decimal(0))
        if not self.prices_include_tax:
            total += sum((round_cents(a * (rate or 0) / HUNDRED) for a, rate in lines), Decimal(0))
        return total

    def _rows(self) -> list[tuple[Decimal, Decimal, Decimal | None]]:
        rows = [(line.quantity, line.unit_price, line.tax_rate) for line in self.lines]
        if self.discount is not None:
            rows.append((Decimal(1), -self.discount.amount, self.discount.tax_rate))
        if self.shipping is not None and self.shipping.amount:
            rows.append((Decimal(1), self.shipping.amount, self.shipping.tax_rate))
        return rows


def order_payload(snapshot: Snapshot, *, with_revision: bool) -> dict[str, Any]:
    """The event's ``data`` as the snapshot's platform sends it."""
    if snapshot.shape == "woocommerce":
        return _woocommerce(snapshot, with_revision=with_revision)
    return _shopify(snapshot)


def deleted_payload(snapshot: Snapshot, *, with_revision: bool) -> dict[str, Any]:
    """An ``order.deleted`` event's ``data``: the id, and the revision when the shop knows it."""
    data: dict[str, Any] = {"id": int(snapshot.order_id)}
    if with_revision:
        data["revision"] = snapshot.revision
    return data


def _woocommerce(s: Snapshot, *, with_revision: bool) -> dict[str, Any]:
    c = s.customer
    data: dict[str, Any] = {
        "id": int(s.order_id),
        "number": s.number,
        "status": s.status,
        "currency": s.currency,
        "placed_at": _utc(s.placed_at),
        "paid_at": _utc(s.placed_at + timedelta(minutes=2)) if s.paid else "",
        "prices_include_tax": s.prices_include_tax,
        "customer": {
            "email": c.email,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "company": c.company or "",
            "phone": c.phone or "",
            "vat_number": c.vat_number or "",
            "tax_code": "",
        },
        "billing_address": _address(c, empty=""),
        "shipping_address": dict.fromkeys(ADDRESS_KEYS, ""),  # a virtual order ships nowhere
        "lines": [_woo_line(line) for line in s.lines],
        "discounts": [_charge(s.discount, _woo_rate, empty="")] if s.discount else [],
        "shipping": _charge(s.shipping, _woo_rate, empty="")
        if s.shipping
        else {"description": "", "amount": "0.00", "tax_rate": ""},
        "total": str(s.total()),
        "exchange_rate": str(s.exchange_rate) if s.exchange_rate else "",
    }
    if with_revision:
        data["revision"] = s.revision
    return data


def _shopify(s: Snapshot) -> dict[str, Any]:
    c = s.customer
    return {
        "id": int(s.order_id),
        "number": s.number,
        "revision": s.revision,
        "status": s.status,
        "currency": s.currency,
        "placed_at": s.placed_at.astimezone(SHOPIFY_OFFSET).isoformat(),
        "paid_at": s.placed_at.astimezone(SHOPIFY_OFFSET).isoformat() if s.paid else None,
        "prices_include_tax": s.prices_include_tax,
        "customer": {
            "email": c.email,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "company": c.company,
            "phone": c.phone,
            "vat_number": c.vat_number,
            "tax_code": None,
        },
        "billing_address": _address(c, empty=None),
        "shipping_address": None,
        "lines": [_shopify_line(line) for line in s.lines],
        "discounts": [_charge(s.discount, _shopify_rate, empty=None)] if s.discount else None,
        "shipping": _charge(s.shipping, _shopify_rate, empty=None) if s.shipping else None,
        "total": str(s.total()),
        "exchange_rate": str(s.exchange_rate) if s.exchange_rate else None,
    }


def _address(c: Customer, *, empty: str | None) -> dict[str, Any]:
    a = c.address
    return {
        "line1": a.line1,
        "line2": a.line2 or empty,
        "city": a.city,
        "postcode": a.postcode,
        "region": a.region or empty,
        "country": a.country,
        "company": c.company or empty,
        "name": f"{c.first_name} {c.last_name}".strip() or empty,
    }


def _woo_line(line: Line) -> dict[str, Any]:
    return {
        "sku": line.sku or "",
        "name": line.name,
        "description": line.description or "",
        "quantity": _number(line.quantity),
        "unit_price": _number(line.unit_price),
        "tax_rate": _woo_rate(line.tax_rate),
    }


def _shopify_line(line: Line) -> dict[str, Any]:
    return {
        "sku": line.sku,
        "name": line.name,
        "description": line.description,
        "quantity": _number(line.quantity),
        "unit_price": str(line.unit_price),
        "tax_rate": _shopify_rate(line.tax_rate),
    }


def _charge(charge: Charge | None, rate: Any, *, empty: str | None) -> dict[str, Any]:
    assert charge is not None
    entry = {"description": charge.description or empty, "amount": str(charge.amount)}
    entry["tax_rate"] = rate(charge.tax_rate)
    if charge.code is not None:
        entry["code"] = charge.code
    return entry


def _woo_rate(rate: Decimal | None) -> str:
    return "" if rate is None else f"{rate:.4f}"


def _shopify_rate(rate: Decimal | None) -> int | float | None:
    return None if rate is None else _number(rate)


def _number(value: Decimal) -> int | float:
    """A JSON number; a float's shortest repr keeps a short decimal's digits exactly."""
    return int(value) if value == value.to_integral_value() else float(value)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
