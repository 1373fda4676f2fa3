"""What the shop sells and how one order's lines, discount and shipping are drawn.

Italian VAT rates the sandbox organization has (22 %, 5 %, 4 %; not 10 %, which
two of its taxes share), prices with three decimals, goods sold by weight in
fractional quantities, a product name over 100 characters, emoji and non-Latin
names. USD orders are exports: untaxed, with international shipping, and
sometimes the exchange rate the shop used.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from .shop_orders import Charge, Line, Shape, Snapshot
from .shop_people import Buyer

D = Decimal
TOTAL_TOLERANCE = D("0.05")  # below the worker's default TOTAL_TOLERANCE of 5 minor units
# sku, name, unit price (net), VAT rate, sold by weight
PRODUCTS = (
    ("TEA-SEN", "Tè verde Sencha 🍵 (100 g)", D("12.345"), D(22), True),
    ("BK-TEA", "Guida al tè (libro)", D("19.00"), D(4), False),
    ("CUP-KY", "Tazza in ceramica „Kyūsu“", D("14.50"), D(22), False),
    ("SAF-1G", "Zafferano in pistilli 1 g", D("7.333"), D(5), False),
    ("COF-KG", "Caffè in grani (kg)", D("24.90"), D(22), True),
    ("CHOC-70", "Cioccolato fondente 70 % — Ωmega", D("3.20"), D(22), False),
    ("KYUSU", "急須 teapot (Tokoname)", D("68.00"), D(22), False),
    (
        "GIFT-XL",
        "Confezione regalo deluxe: selezione di tè verdi, neri e oolong da piccoli produttori "
        "di Giappone, Cina, Taiwan e India, con infusore in acciaio",
        D("49.995"),
        D(22),
        False,
    ),
)
WEIGHTS = (D("0.25"), D("0.5"), D("1.5"), D("2.75"))
COUPONS = (("WELCOME5", D("5.00"), "Benvenuto"), ("autunno-10", D("3.50"), None))


def draw_order(
    rng: random.Random, index: int, shape: Shape, buyer: Buyer, *, placed_at: datetime
) -> Snapshot:
    """A paid order, its shop total within Zoho's rounding tolerance of Zoho's own total."""
    woo = shape == "woocommerce"
    order_id = str(7000 + index) if woo else str(5_100_000_000_000 + index)
    export = buyer.currency != "EUR"
    while True:
        snapshot = Snapshot(
            order_id=order_id,
            number=order_id if woo else f"#{1000 + index}",
            shape=shape,
            status="paid",
            currency=buyer.currency,
            customer=buyer.customer,
            lines=_lines(rng, export=export),
            placed_at=placed_at,
            shipping=_shipping(rng, export=export),
            prices_include_tax=not export and rng.random() < 0.2,
            exchange_rate=D("0.9217") if export and rng.random() < 0.5 else None,
            paid=True,
        )
        snapshot = _maybe_discount(rng, snapshot, export=export)
        if _adjustable(snapshot):
            return snapshot


def draw_update(rng: random.Random, snapshot: Snapshot) -> Snapshot:
    """The next revision with its lines changed (one more of something, or a product added)."""
    export = snapshot.currency != "EUR"
    while True:
        lines = list(snapshot.lines)
        if rng.random() < 0.5:
            lines[0] = replace(lines[0], quantity=lines[0].quantity + 1)
        else:
            lines += [line for line in _lines(rng, export=export) if line not in lines][:1]
        revised = snapshot.revised(lines=tuple(lines), discount=None)
        if revised.lines != snapshot.lines and _adjustable(revised):
            return revised


def _adjustable(snapshot: Snapshot) -> bool:
    """The shop's total is one the worker's rounding adjustment can reach from Zoho's."""
    return abs(snapshot.total() - snapshot.zoho_total()) < TOTAL_TOLERANCE


def _lines(rng: random.Random, *, export: bool) -> tuple[Line, ...]:
    lines = []
    for sku, name, price, rate, by_weight in rng.sample(PRODUCTS, k=rng.randint(1, 3)):
        quantity = rng.choice(WEIGHTS) if by_weight else D(rng.randint(1, 3))
        description = "Raccolto 2026" if rng.random() < 0.2 else None
        lines.append(Line(name, quantity, price, None if export else rate, sku, description))
    return tuple(lines)


def _shipping(rng: random.Random, *, export: bool) -> Charge | None:
    if export:
        return Charge(D("15.00"), None, description="International shipping")
    if rng.random() < 0.6:
        return Charge(D("4.90"), D(22), description="Corriere espresso")
    return None  # free shipping


def _maybe_discount(rng: random.Random, snapshot: Snapshot, *, export: bool) -> Snapshot:
    if export or rng.random() >= 0.2 or snapshot.total() < D(20):
        return snapshot
    code, amount, description = rng.choice(COUPONS)
    return replace(snapshot, discount=Charge(amount, D(22), code, description))
