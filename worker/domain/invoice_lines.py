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
    """Every line of the invoice in order: products, discounts, shipping.

    A discount or shipping amount that rounds to nothing in the currency (half a
    yen) adds no line: it would change nothing but show a zero line.
    """
    make = _LineMaker(precision, tax_for)
    products = [
        make(item.name, item.description, item.quantity, item.unit_price, item.tax_rate)
        for item in order.lines
    ]
    extras = [
        make(_discount_name(discount_label, d.code), d.description, ONE, -d.amount, d.tax_rate)
        for d in order.discounts
    ]
    if (shipping := order.shipping) is not None:
        extras.append(
            make(shipping_label, shipping.description, ONE, shipping.amount, shipping.tax_rate)
        )
    return products + [extra for extra in extras if extra.rate != ZERO]


@dataclass(frozen=True)
class _LineMaker:
    precision: int
    tax_for: TaxFor

    def __call__(
        self, name: str, text: str | None, quantity: Decimal, rate: Decimal, tax: Decimal | None
    ) -> DraftLine:
        short, full = name_and_description(name, text)
        # Adding zero turns a rounded -0 into 0.
        rounded = round_half_up(rate, self.precision) + ZERO
        return DraftLine(short, full, quantity, rounded, self.tax_for(tax))


def _discount_name(label: str, code: str | None) -> str:
    return f"{label} {code}" if code else label
