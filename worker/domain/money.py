"""Decimal helpers shared by the mapping: half-up rounding and minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def minor_unit(precision: int) -> Decimal:
    """The smallest amount of a currency with ``precision`` decimals (0.01, 1, ...)."""
    return Decimal(1).scaleb(-precision)


def round_half_up(value: Decimal, precision: int) -> Decimal:
    """Round to ``precision`` decimals, ties away from zero (as Zoho rounds rates)."""
    return value.quantize(minor_unit(precision), rounding=ROUND_HALF_UP)


def percent_text(rate: Decimal) -> str:
    """A rate as a person reads it: ``22%``, ``5.5%`` (no trailing zeros)."""
    text = format(rate.normalize(), "f")
    return f"{text}%"
