"""Hypothesis strategies for messy-but-valid orders, as shops really send them.

Every optional field is left out, or given in a form of absence (null, "", whitespace,
{} or []), or given a value; text is unicode with whitespace padding and sometimes over
100 characters; money and quantities come as strings, integers or exact JSON numbers
(``Decimal``, written by ``tests.support.exact_json``); 1-40 lines with 3-decimal prices
and fractional quantities; discounts with and without codes (zero amounts included);
shipping absent, zero or more. Every tax rate has a match in ``tests.support.mapping``'s
catalog (10 % through its tax map).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from worker.events import is_blank

D = Decimal
Strategy = st.SearchStrategy[Any]

ABSENT: Strategy = st.sampled_from([None, "", " ", "\t\n", "\u00a0", {}, []])
PAD = st.sampled_from(["", "", " ", "  ", "\t", "\u00a0"])
# Surrogates cannot be encoded; control characters are not what people type.
_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
TEXT = st.text(_CHARACTERS, min_size=1, max_size=30).filter(str.strip)
LONG_TEXT = st.text(_CHARACTERS, min_size=101, max_size=140).filter(lambda t: len(t.strip()) > 100)
EMAIL = st.from_regex(r"\A[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9-]{1,12}\.[a-z]{2,6}\Z")
RATES = [D(0), D(4), D(5), D(10), D(22)]
COUNTRIES = ["IT", "it", "DE", "SE", "JP", "US", "fr"]


def optional(value: Strategy) -> Strategy:
    """A value, or absence in one of its forms (leaving the key out is the caller's)."""
    return st.one_of(ABSENT, value)


def padded(text: Strategy) -> Strategy:
    """Text with whitespace around it."""
    return st.tuples(PAD, text, PAD).map("".join)


def number(values: Strategy) -> Strategy:
    """A decimal as a shop sends it: a string (maybe padded), an exact JSON number, an int."""

    def forms(value: Decimal) -> Strategy:
        choices = [st.just(str(value)), st.just(f" {value} "), st.just(value)]
        if value == value.to_integral_value():
            choices.append(st.just(int(value)))
        return st.one_of(choices)

    return values.flatmap(forms)


def _decimals(low: str, high: str, max_places: int) -> Strategy:
    return st.integers(0, max_places).flatmap(
        lambda places: st.decimals(D(low), D(high), places=places)
    )


PRICE = number(_decimals("0", "500", 3))
POSITIVE = number(_decimals("0.01", "50", 2))
QUANTITY = number(_decimals("0.25", "20", 3))
RATE = number(st.sampled_from(RATES))
MOMENT = st.datetimes(
    datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    datetime(2030, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))]),
).map(lambda moment: moment.isoformat())
NAME = padded(st.one_of(TEXT, LONG_TEXT))


def _text_fields(*keys: str) -> dict[str, Strategy]:
    return dict.fromkeys(keys, optional(padded(TEXT)))


CUSTOMER = st.fixed_dictionaries(
    {"email": EMAIL},
    optional={
        **_text_fields("first_name", "last_name", "phone", "vat_number", "tax_code"),
        "company": optional(NAME),
    },
)
ADDRESS = st.fixed_dictionaries(
    {},
    optional={
        **_text_fields("line1", "line2", "city", "postcode", "region", "company", "name"),
        "country": optional(st.sampled_from(COUNTRIES)),
    },
)
LINE = st.fixed_dictionaries(
    {"name": NAME, "quantity": QUANTITY, "unit_price": PRICE},
    optional={**_text_fields("sku", "description"), "tax_rate": optional(RATE)},
)
# Up to 8 drawn lines, repeated up to 40: long orders without the cost (and the size limit)
# of drawing 40 unicode lines one by one.
LINES = st.tuples(st.lists(LINE, min_size=1, max_size=8), st.sampled_from([1, 1, 3, 40])).map(
    lambda drawn: [copy.deepcopy(line) for line in (drawn[0] * drawn[1])[:40]]
)
DISCOUNT = st.fixed_dictionaries(
    {"amount": st.one_of(POSITIVE, st.just("0.00"))},
    optional={
        "code": optional(padded(st.from_regex(r"\A[A-Za-z0-9]{1,12}\Z"))),
        "description": optional(padded(TEXT)),
        "tax_rate": optional(RATE),
    },
)
SHIPPING = st.fixed_dictionaries(
    {"amount": st.one_of(st.just(0), st.just("0.00"), POSITIVE)},
    optional={"description": optional(padded(TEXT)), "tax_rate": optional(RATE)},
)
MESSY_ORDERS = st.fixed_dictionaries(
    {
        "id": st.one_of(st.integers(1, 10**15), padded(st.from_regex(r"\A[A-Za-z0-9-]{1,20}\Z"))),
        "currency": st.sampled_from(["EUR", "eur", "USD", "JPY"]),
        "customer": CUSTOMER,
        "lines": LINES,
        "total": number(_decimals("0.01", "100000", 2)),
    },
    optional={
        "number": optional(st.one_of(padded(TEXT), st.integers(1, 10**6))),
        "revision": optional(st.one_of(st.integers(0, 10**6), st.integers(0, 99).map(str))),
        "status": optional(st.sampled_from(["paid", "processing", "completed"])),
        "placed_at": optional(MOMENT),
        "paid_at": optional(MOMENT),
        "prices_include_tax": optional(st.booleans()),
        "billing_address": optional(ADDRESS),
        "shipping_address": optional(ADDRESS),
        "discounts": optional(st.lists(DISCOUNT, max_size=3)),
        "shipping": optional(SHIPPING),
        "exchange_rate": optional(number(_decimals("0.0001", "200", 4).filter(bool))),
    },
)


def required_paths(order: dict[str, Any]) -> list[str]:
    """The required fields of ``order`` that, blanked, must reject it.

    A discount's or the shipping's amount counts only where the object holds something
    else: blanking the amount of an otherwise blank object makes the whole object absent.
    """
    paths = ["id", "currency", "customer", "customer.email", "lines", "total"]
    for index in range(len(order["lines"])):
        paths += [f"lines.{index}.{field}" for field in ("name", "quantity", "unit_price")]
    discounts = order.get("discounts")
    if isinstance(discounts, list):
        paths += [f"discounts.{i}.amount" for i, d in enumerate(discounts) if _has_more(d)]
    shipping = order.get("shipping")
    if isinstance(shipping, dict) and shipping and _has_more(shipping):
        paths.append("shipping.amount")
    return paths


def _has_more(part: dict[str, Any]) -> bool:
    return any(not is_blank(value) for key, value in part.items() if key != "amount")
