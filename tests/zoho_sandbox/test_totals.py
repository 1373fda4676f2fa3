"""Zoho's invoice arithmetic, without HTTP: the worked examples and a few properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoho_sandbox.totals import (
    AppliedTax,
    Discount,
    Line,
    TaxComponent,
    Terms,
    compute,
    parse_discount,
    round_money,
)


def tax(name: str, percentage: str) -> AppliedTax:
    return AppliedTax((TaxComponent(name, Decimal(percentage)),))


VAT10, VAT19, VAT22 = tax("VAT 10%", "10"), tax("VAT 19%", "19"), tax("IVA 22%", "22")
GROUP = AppliedTax((TaxComponent("IVA 4%", Decimal(4)), TaxComponent("Contributo 1%", Decimal(1))))

# lines, terms, expected (sub_total, tax_total, total)
CASES = [
    pytest.param(
        [Line(Decimal("54.54545"), tax=VAT10)],
        Terms(),
        ("54.55", "5.46", "60.01"),
        id="rate-rounded-first",
    ),
    pytest.param(
        [Line(Decimal("19.99"), Decimal(2), tax=VAT19), Line(Decimal("4.95"), tax=VAT19)],
        Terms(),
        ("44.93", "8.54", "53.47"),
        id="api-notes-example",
    ),
    pytest.param(
        [Line(Decimal(122), tax=VAT22)],
        Terms(inclusive=True),
        ("122.00", "22.00", "122.00"),
        id="inclusive",
    ),
    pytest.param(
        [Line(Decimal(100), tax=VAT22), Line(Decimal(-10), tax=VAT22)],
        Terms(),
        ("90.00", "19.80", "109.80"),
        id="negative-discount-line",
    ),
    pytest.param(
        [Line(Decimal(50), Decimal(2), discount=Discount(Decimal(10), is_percent=True), tax=VAT22)],
        Terms(),
        ("90.00", "19.80", "109.80"),
        id="line-discount-percent",
    ),
    pytest.param(
        [Line(Decimal(100), tax=VAT22)],
        Terms(discount=Discount(Decimal(10), is_percent=False)),
        ("100.00", "19.80", "109.80"),
        id="entity-discount-before-tax",
    ),
    pytest.param(
        [Line(Decimal(100), tax=VAT22)],
        Terms(discount=Discount(Decimal(10), is_percent=False), discount_before_tax=False),
        ("100.00", "22.00", "112.00"),
        id="entity-discount-after-tax",
    ),
    pytest.param(
        [Line(Decimal(100), tax=VAT22)],
        Terms(shipping_charge=Decimal("4.95"), adjustment=Decimal("-0.01")),
        ("100.00", "22.00", "126.94"),
        id="shipping-and-adjustment",
    ),
    pytest.param(
        [Line(Decimal(100), tax=GROUP)], Terms(), ("100.00", "5.00", "105.00"), id="tax-group"
    ),
    pytest.param(
        [Line(Decimal("1234.5"))], Terms(precision=0), ("1235", "0", "1235"), id="jpy-precision-0"
    ),
    pytest.param(
        [Line(Decimal("0.05"), tax=VAT10)] * 3,
        Terms(),
        ("0.15", "0.03", "0.18"),
        id="tax-rounded-per-line",
    ),
    pytest.param(
        [Line(Decimal("0.05"), tax=VAT10)] * 3,
        Terms(tax_rounding="total"),
        ("0.15", "0.02", "0.17"),
        id="tax-rounded-per-total",
    ),
]


@pytest.mark.parametrize(("lines", "terms", "expected"), CASES)
def test_worked_examples(lines: list[Line], terms: Terms, expected: tuple[str, str, str]) -> None:
    result = compute(lines, terms)
    assert (result.sub_total, result.tax_total, result.total) == tuple(Decimal(e) for e in expected)


def test_line_values_of_the_first_worked_example() -> None:
    line = compute([Line(Decimal("54.54545"), tax=VAT10)], Terms()).lines[0]
    assert (line.rate, line.item_total, line.tax_amount) == (
        Decimal("54.55"),
        Decimal("54.55"),
        Decimal("5.46"),
    )


def test_group_taxes_are_listed_per_member() -> None:
    result = compute([Line(Decimal(100), tax=GROUP)], Terms())
    assert result.taxes == (("IVA 4%", Decimal("4.00")), ("Contributo 1%", Decimal("1.00")))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.5%", Discount(Decimal("12.5"), is_percent=True)),
        (12.5, Discount(Decimal("12.5"), is_percent=False)),
        ("190", Discount(Decimal(190), is_percent=False)),
        (0, None),
        (None, None),
    ],
)
def test_discount_forms(raw: object, expected: Discount | None) -> None:
    assert parse_discount(raw) == expected


@pytest.mark.parametrize("raw", ["150%", "ten", True, [1]])
def test_bad_discounts_are_refused(raw: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        parse_discount(raw)


cents = st.decimals(min_value=Decimal("-500"), max_value=Decimal("5000"), places=2)
rates = st.sampled_from(["0", "4", "5", "10", "22"])


@given(st.lists(cents, min_size=1, max_size=8), rates)
def test_inclusive_and_exclusive_agree_on_the_gross(nets: list[Decimal], percentage: str) -> None:
    applied = tax("T", percentage)
    exclusive = compute([Line(n, tax=applied) for n in nets], Terms())
    grosses = [round_money(n * (1 + Decimal(percentage) / 100), 2) for n in nets]
    inclusive = compute([Line(g, tax=applied) for g in grosses], Terms(inclusive=True))
    assert abs(exclusive.total - inclusive.total) <= Decimal("0.01")


@given(
    st.lists(st.tuples(cents, st.integers(1, 5), rates), min_size=1, max_size=8),
    cents,
    st.sampled_from(["line", "total"]),
)
def test_totals_are_sums_of_lines(
    lines: list[tuple[Decimal, int, str]], adjustment: Decimal, rounding: str
) -> None:
    terms = Terms(adjustment=adjustment, tax_rounding="line" if rounding == "line" else "total")
    result = compute([Line(r, Decimal(q), tax=tax(f"T{p}", p)) for r, q, p in lines], terms)
    assert result.sub_total == sum((line.item_total for line in result.lines), Decimal(0))
    assert result.tax_total == sum((amount for _, amount in result.taxes), Decimal(0))
    assert result.total == result.sub_total + result.tax_total + adjustment
