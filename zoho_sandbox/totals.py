"""Zoho's invoice arithmetic: rounded rates, line and entity discounts, tax, totals.

Pure functions over ``Decimal``, no I/O, so the rules can be tested on their own:

1. each ``rate`` is rounded half-up to the currency's precision, then
   ``item_total = rate x quantity - line discount`` (rounded);
2. ``sub_total`` is the sum of the item totals;
3. an entity-level discount *before* tax shrinks every line's taxable amount
   in proportion; *after* tax it is deducted from the taxed sum;
4. tax is added on top (exclusive) or extracted from the amount (inclusive,
   ``amount x p / (100 + p)``); a tax group is the sum of its member taxes;
5. tax is rounded per line or per tax total (``SandboxConfig.tax_rounding``);
6. ``total = sub_total - discount (+ tax when exclusive) + shipping + adjustment``.

With inclusive tax ``sub_total`` is tax-inclusive, as Zoho's "Sub Total (Tax Inclusive)".
A percentage discount after tax is a percentage of what it is deducted from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def round_money(value: Decimal, precision: int) -> Decimal:
    """Round half-up (away from zero on ties) to ``precision`` decimals."""
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Discount:
    """A discount: a percentage ("12.5%") or an amount (12.5)."""

    value: Decimal
    is_percent: bool

    def amount_of(self, base: Decimal) -> Decimal:
        """The discount taken from ``base`` (unrounded)."""
        return base * self.value / HUNDRED if self.is_percent else self.value


def parse_discount(raw: object) -> Discount | None:
    """Read Zoho's discount forms: "12.5%" is a percentage, 12.5 or "12.5" an amount.

    Raises ``TypeError`` for a non-scalar and ``ValueError`` for other text or a
    percentage outside 0-100.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise TypeError("discount")
    text = str(raw).strip()
    is_percent = text.endswith("%")
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation as exc:
        raise ValueError("discount") from exc
    if not value.is_finite() or (is_percent and not ZERO <= value <= HUNDRED):
        raise ValueError("discount")
    return Discount(value, is_percent) if value else None


@dataclass(frozen=True)
class TaxComponent:
    """One tax as it appears in ``taxes[]``: its name and percentage."""

    name: str
    percentage: Decimal


@dataclass(frozen=True)
class AppliedTax:
    """The tax on a line: one component for a tax, several for a tax group."""

    components: tuple[TaxComponent, ...]

    @property
    def percentage(self) -> Decimal:
        """The combined percentage (a group's is the sum of its members')."""
        return sum((c.percentage for c in self.components), ZERO)


@dataclass(frozen=True)
class Line:
    """A line as entered: unit rate, quantity, optional line discount and tax."""

    rate: Decimal
    quantity: Decimal = Decimal(1)
    discount: Discount | None = None
    tax: AppliedTax | None = None


@dataclass(frozen=True)
class Terms:
    """Invoice-level settings that change the arithmetic."""

    precision: int = 2
    inclusive: bool = False
    discount: Discount | None = None
    discount_before_tax: bool = True
    shipping_charge: Decimal = ZERO
    adjustment: Decimal = ZERO
    tax_rounding: Literal["line", "total"] = "line"


@dataclass(frozen=True)
class LineTotals:
    """A computed line: rounded rate, line discount, item total and its (rounded) tax."""

    rate: Decimal
    discount_amount: Decimal
    item_total: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class Totals:
    """Everything Zoho computes for an invoice."""

    lines: tuple[LineTotals, ...]
    sub_total: Decimal
    discount_total: Decimal
    tax_total: Decimal
    taxes: tuple[tuple[str, Decimal], ...]
    total: Decimal


def compute(lines: list[Line], terms: Terms) -> Totals:
    """Compute an invoice's totals the way Zoho does (see the module docstring)."""
    p = terms.precision
    priced = [_price(line, p) for line in lines]
    sub_total = sum((item_total for _, _, item_total in priced), ZERO)
    before = terms.discount if terms.discount_before_tax else None
    discount = round_money(before.amount_of(sub_total), p) if before else ZERO
    taxable = [_share(item_total, sub_total, discount) for _, _, item_total in priced]
    raw_taxes = [
        _line_taxes(line, base, terms.inclusive) for line, base in zip(lines, taxable, strict=True)
    ]
    taxes = _sum_taxes(raw_taxes, terms)
    tax_total = sum((amount for _, amount in taxes), ZERO)
    added_tax = ZERO if terms.inclusive else tax_total
    if terms.discount and not terms.discount_before_tax:
        discount = round_money(terms.discount.amount_of(sub_total + added_tax), p)
    total = sub_total - discount + added_tax + terms.shipping_charge + terms.adjustment
    line_totals = tuple(
        LineTotals(rate, line_discount, item_total, round_money(sum(raw.values(), ZERO), p))
        for (rate, line_discount, item_total), raw in zip(priced, raw_taxes, strict=True)
    )
    return Totals(line_totals, sub_total, discount, tax_total, taxes, round_money(total, p))


def _price(line: Line, precision: int) -> tuple[Decimal, Decimal, Decimal]:
    """(rounded rate, line discount, item total) of one line."""
    rate = round_money(line.rate, precision)
    gross = round_money(rate * line.quantity, precision)
    discount = round_money(line.discount.amount_of(gross), precision) if line.discount else ZERO
    return rate, discount, gross - discount


def _share(item_total: Decimal, sub_total: Decimal, discount: Decimal) -> Decimal:
    """A line's taxable amount once its share of an entity-level discount is taken off."""
    if not discount or not sub_total:
        return item_total
    return item_total - discount * item_total / sub_total


def _line_taxes(line: Line, base: Decimal, inclusive: bool) -> dict[str, Decimal]:
    """Unrounded tax per component name on one line."""
    if line.tax is None:
        return {}
    divisor = HUNDRED + line.tax.percentage if inclusive else HUNDRED
    return {c.name: base * c.percentage / divisor for c in line.tax.components}


def _sum_taxes(
    raw_taxes: list[dict[str, Decimal]], terms: Terms
) -> tuple[tuple[str, Decimal], ...]:
    """``taxes[]``: per tax name, rounded per line or once per total."""
    per_line = terms.tax_rounding == "line"
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for raw in raw_taxes:
        for name, amount in raw.items():
            sums[name] += round_money(amount, terms.precision) if per_line else amount
    return tuple((name, round_money(amount, terms.precision)) for name, amount in sums.items())
