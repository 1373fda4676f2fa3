"""Plain paid orders for the benchmarks that need many and simple ones, as event bodies.

One to three lines at 22 % or 4 %, a coupon on every fifth order, the shop's
total equal to Zoho's (VAT rounded per line). Customer ``n`` is
``customer{n}@example.com``, "Customer n", paying in EUR.
"""

from __future__ import annotations

import json
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.support.workload import Publication
from worker.demo.samples import envelope

CENT = Decimal("0.01")
FIRST_ID = 10_000


def order_id(number: int) -> str:
    """The shop's id of order ``number``."""
    return str(FIRST_ID + number)


def paid_order(number: int, customer: int, rng: random.Random) -> dict[str, Any]:
    """Order ``number`` of customer ``customer``, paid."""
    lines = [
        {
            "name": f"Product {rng.randrange(50)}",
            "quantity": rng.randint(1, 3),
            "unit_price": f"{rng.randint(300, 9000) / 100:.2f}",
            "tax_rate": rng.choice(["22", "4"]),
        }
        for _ in range(rng.randint(1, 3))
    ]
    discounts = [{"code": "TEN", "amount": "1.00", "tax_rate": "22"}] if number % 5 == 0 else []
    return {
        "id": order_id(number),
        "revision": 1,
        "status": "paid",
        "currency": "EUR",
        "placed_at": "2026-11-23T09:30:00Z",
        "lines": lines,
        "discounts": discounts,
        "customer": {
            "email": customer_email(customer),
            "first_name": "Customer",
            "last_name": str(customer),
        },
        "total": str(_zoho_total(lines, discounts)),
    }


def customer_email(customer: int) -> str:
    """Customer ``n``'s email."""
    return f"customer{customer}@example.com"


def paid_event(order: dict[str, Any]) -> Publication:
    """The ``order.paid`` event of ``order``, ready to publish."""
    body = envelope("order.paid", order, 0)
    event_id = str(json.loads(body)["id"])
    return Publication("order.paid", body, 0, order_id=str(order["id"]), event_id=event_id)


def _zoho_total(lines: list[dict[str, Any]], discounts: list[dict[str, Any]]) -> Decimal:
    """Net plus VAT rounded per line, as Zoho computes it."""
    amounts = [
        (Decimal(str(x["quantity"])) * Decimal(x["unit_price"]), Decimal(x["tax_rate"]))
        for x in lines
    ] + [(-Decimal(d["amount"]), Decimal(d["tax_rate"])) for d in discounts]
    tax = sum(
        ((net * rate / 100).quantize(CENT, ROUND_HALF_UP) for net, rate in amounts), Decimal(0)
    )
    return sum((net for net, _ in amounts), Decimal(0)) + tax
