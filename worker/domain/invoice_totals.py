"""What Zoho will compute for the lines, and the rounding adjustment (SPEC §4 "Totals").

Zoho rounds each rate to the currency's precision (the lines already are), rounds
each line's amount, and computes tax per line on that amount (per member of a tax
group, each rounded): added on top when prices exclude tax, extracted
(``amount x p / (100 + P)``, P the whole rate) when they include it, in which case
the total is just the sum of the line amounts. Written independently of the
sandbox's arithmetic so that the two can check each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .invoice_lines import DraftLine
from .money import HUNDRED, ZERO, minor_unit, round_half_up


@dataclass(frozen=True)
class LineAmounts:
    """A line as Zoho will show it: its amount and its tax, both rounded."""

    amount: Decimal
    tax: Decimal


def line_amounts(line: DraftLine, precision: int, *, inclusive: bool) -> LineAmounts:
    """The rounded amount and tax of one line."""
    amount = round_half_up(line.rate * line.quantity, precision)
    tax = line.tax.tax
    if tax is None:
        return LineAmounts(amount, ZERO)
    base = HUNDRED + tax.percentage if inclusive else HUNDRED
    parts = (round_half_up(amount * part / base, precision) for part in tax.parts)
    return LineAmounts(amount, sum(parts, ZERO))


def zoho_total(lines: Sequence[DraftLine], precision: int, *, inclusive: bool) -> Decimal:
    """The invoice total Zoho will compute before any adjustment."""
    amounts = [line_amounts(line, precision, inclusive=inclusive) for line in lines]
    total = sum((a.amount for a in amounts), ZERO)
    if not inclusive:
        total += sum((a.tax for a in amounts), ZERO)
    return round_half_up(total, precision)


def rounding_adjustment(
    order_total: Decimal, computed: Decimal, precision: int, tolerance: int
) -> Decimal:
    """The adjustment that makes Zoho's total the order's: zero when equal or too far off.

    ``tolerance`` is in minor units; a larger difference is not papered over
    (the service reports "total mismatch" instead).
    """
    difference = round_half_up(order_total - computed, precision) + ZERO  # never -0
    if abs(difference) > tolerance * minor_unit(precision):
        return round_half_up(ZERO, precision)
    return difference


def totals_match(order_total: Decimal, zoho_total: Decimal) -> bool:
    """Whether Zoho's total is the shop's total (same amount, whatever the trailing zeros)."""
    return order_total == zoho_total
