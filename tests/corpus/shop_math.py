"""A shop's grand total, worked out the way shops do it, independently of the worker.

Each product line is ``price x quantity`` with the price first rounded to the currency
(Zoho rounds rates so too); tax is rounded per line (``"line"``) or per rate on the sum
of that rate's lines (``"total"``, as WooCommerce does with "round at subtotal": a cent
or two apart from Zoho, the worker's rounding adjustment covers it). Inclusive prices
already hold their tax.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Charge:
    """One line of the bill: a net (or gross) amount per unit, a quantity, a tax percentage."""

    price: Decimal
    quantity: Decimal = Decimal(1)
    rate: Decimal | None = None


def money(value: Decimal, precision: int) -> Decimal:
    """Half-up to the currency's precision."""
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def grand_total(
    charges: Iterable[Charge],
    *,
    precision: int = 2,
    inclusive: bool = False,
    tax_rounding: Literal["line", "total"] = "line",
) -> Decimal:
    """What the shop asks the customer to pay."""
    amounts = [(money(money(c.price, precision) * c.quantity, precision), c.rate) for c in charges]
    net = sum((amount for amount, _ in amounts), ZERO)
    if inclusive:
        return net
    if tax_rounding == "line":
        tax = sum((money(a * (r or ZERO) / 100, precision) for a, r in amounts), ZERO)
        return net + tax
    by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for amount, rate in amounts:
        by_rate[rate or ZERO] += amount
    return net + sum((money(s * r / 100, precision) for r, s in by_rate.items()), ZERO)
