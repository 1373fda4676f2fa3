"""The lines of an invoice: product lines, then one line per discount, then shipping.

Each line has a name of at most 100 characters (a longer one is cut, and the full
name starts the description), a rate rounded half-up to the currency's precision,
a positive quantity and its tax. Discounts are negative rates with quantity 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from worker.events import Order

from .money import ZERO, round_half_up
from .taxes import TaxChoice

NAME_LIMIT = 100
DESCRIPTION_LIMIT = 2000
ELLIPSIS = "…"
ONE = Decimal(1)

TaxFor = Callable[[Decimal | None], TaxChoice]


@dataclass(frozen=True)
class DraftLine:
    """One invoice line before it becomes JSON."""

    name: str
    description: str | None
    quantity: Decimal
    rate: Decimal
    tax: TaxChoice

    def payload(self, item_order: int) -> dict[str, Any]:
        """The ``line_items[]`` entry."""
        line: dict[str, Any] = {"name": self.name}
        if self.description:
            line["description"] = self.description
        line.update(quantity=self.quantity, rate=self.rate, item_order=item_order)
        line.update(self.tax.fields())
        return line


def name_and_description(name: str, description: str | None) -> tuple[str, str | None]:
    """A name Zoho accepts; a cut name is kept whole at the start of the description."""
    if len(name) <= NAME_LIMIT:
        return name, description
    full = f"{name}\n{description}" if description else name
    if len(full) > DESCRIPTION_LIMIT:
        # Zoho refuses longer descriptions; losing the tail beats losing the invoice.
        full = full[: DESCRIPTION_LIMIT - len(ELLIPSIS)] + ELLIPSIS
    return name[:NAME_LIMIT], full


def draft_lines(
    order: Order, precision: int, tax_for: TaxFor, *, discount_label: str, shipping_label: str
) -> list[DraftLine]:
    """Every line of the invoice in order: products, discounts, shipping (when > 0)."""
    lines = [
        _line(item.name, item.description, item.quantity, item.unit_price, tax_for(item.tax_rate))
        for item in order.lines
    ]
    for discount in order.discounts:
        label = f"{discount_label} {discount.code}" if discount.code else discount_label
        lines.append(
            _line(label, discount.description, ONE, -discount.amount, tax_for(discount.tax_rate))
        )
    shipping = order.shipping
    if shipping is not None and shipping.amount > ZERO:
        lines.append(
            _line(
                shipping_label,
                shipping.description,
                ONE,
                shipping.amount,
                tax_for(shipping.tax_rate),
            )
        )
    return [_rounded(line, precision) for line in lines]


def _line(
    name: str, description: str | None, quantity: Decimal, rate: Decimal, tax: TaxChoice
) -> DraftLine:
    short, full = name_and_description(name, description)
    return DraftLine(short, full, quantity, rate, tax)


def _rounded(line: DraftLine, precision: int) -> DraftLine:
    return DraftLine(
        line.name, line.description, line.quantity, round_half_up(line.rate, precision), line.tax
    )
