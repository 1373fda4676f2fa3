"""Rate to Zoho tax (SPEC §4 "Tax"): table of every rule, and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.mapping import (
    COMPOUND7,
    LEVY1,
    TAXES,
    VAT4,
    VAT5_GROUP,
    VAT10,
    VAT10_FOOD,
    VAT22,
)
from worker.domain.catalog import TaxInfo
from worker.domain.problems import MappingProblem
from worker.domain.taxes import UNTAXED, TaxChoice, candidates, choose_tax, tax_map_from

D = Decimal


def _choose(rate: str | None, *, tax_map: dict[Decimal, str] | None = None) -> TaxChoice:
    return choose_tax(
        None if rate is None else D(rate), TAXES, tax_map=tax_map or {}, zero_rate_exemption_id=None
    )


@pytest.mark.parametrize(
    ("rate", "tax_map", "expected"),
    [
        pytest.param("22", {}, VAT22, id="single match"),
        pytest.param("22.00", {}, VAT22, id="same percentage, other digits"),
        pytest.param("4", {}, VAT4, id="4 percent"),
        pytest.param("1", {}, LEVY1, id="a tax that is also a group member"),
        pytest.param("7", {}, COMPOUND7, id="compound tax counts as a single tax"),
        pytest.param("5", {}, VAT5_GROUP, id="group when no single tax matches"),
        pytest.param("10", {D(10): "t10f"}, VAT10_FOOD, id="tie broken by the tax map"),
        pytest.param("10.0", {D(10): "t10"}, VAT10, id="map keyed by value"),
        pytest.param("5", {D(5): "g5"}, VAT5_GROUP, id="map naming a group"),
    ],
)
def test_rate_matches_tax(rate: str, tax_map: dict[Decimal, str], expected: TaxInfo) -> None:
    choice = _choose(rate, tax_map=tax_map)
    assert choice.tax == expected
    assert choice.fields() == {"tax_id": expected.tax_id}


def test_absent_rate_is_untaxed() -> None:
    assert _choose(None) == UNTAXED
    assert UNTAXED.fields() == {}


def test_zero_rate_is_no_tax_even_when_a_zero_tax_exists() -> None:
    assert _choose("0").fields() == {}
    assert _choose("0").percentage == 0


def test_zero_rate_carries_the_exemption_when_configured() -> None:
    choice = choose_tax(D(0), TAXES, tax_map={}, zero_rate_exemption_id="ex-1")
    assert choice.fields() == {"tax_exemption_id": "ex-1"}
    assert choice.tax is None


def test_single_tax_beats_group_of_same_rate() -> None:
    single5 = TaxInfo("s5", "VAT 5%", D(5))
    assert candidates(D(5), (*TAXES, single5)) == [single5]


def test_tie_goes_to_zoho_default_tax() -> None:
    default10 = TaxInfo("t10", "VAT 10%", D(10), is_default=True)
    taxes = (default10, VAT10_FOOD)
    assert choose_tax(D(10), taxes, tax_map={}).tax == default10


@pytest.mark.parametrize(
    ("rate", "tax_map", "code", "words"),
    [
        pytest.param("10", {}, "ambiguous_tax", ["10%", "VAT 10%", "t10f"], id="tie"),
        pytest.param("21", {}, "unmatched_tax", ["21%"], id="only an inactive tax"),
        pytest.param("7.5", {}, "unmatched_tax", ["7.5%"], id="no tax"),
        pytest.param("22", {D(22): "t21"}, "mapped_tax_unusable", ["t21", "inactive"], id="map"),
        pytest.param("22", {D(22): "t10"}, "mapped_tax_unusable", ["is 10%"], id="map rate"),
        pytest.param("22", {D(22): "nope"}, "mapped_tax_unusable", ["not exist"], id="map gone"),
    ],
)
def test_problems_name_what_is_wrong(
    rate: str, tax_map: dict[Decimal, str], code: str, words: list[str]
) -> None:
    with pytest.raises(MappingProblem) as caught:
        _choose(rate, tax_map=tax_map)
    assert caught.value.code == code
    assert caught.value.from_configuration
    for word in words:
        assert word in caught.value.reason


def test_tie_with_two_defaults_is_still_ambiguous() -> None:
    taxes = (
        TaxInfo("a", "A", D(10), is_default=True),
        TaxInfo("b", "B", D(10), is_default=True),
    )
    with pytest.raises(MappingProblem, match="ambiguous_tax"):
        choose_tax(D(10), taxes, tax_map={})


def test_inactive_default_never_breaks_a_tie() -> None:
    taxes = (*TAXES, TaxInfo("x", "Old default", D(10), is_default=True, active=False))
    with pytest.raises(MappingProblem, match="ambiguous_tax"):
        choose_tax(D(10), taxes, tax_map={})


def test_tax_map_from_settings() -> None:
    assert tax_map_from({"22": "a", " 10% ": "b", "5.50": "c"}) == {
        D(22): "a",
        D(10): "b",
        D("5.5"): "c",
    }
    with pytest.raises(ValueError, match="ten"):
        tax_map_from({"ten": "a"})
    with pytest.raises(ValueError, match="-1"):
        tax_map_from({"-1": "a"})


tax_rows = st.builds(
    TaxInfo,
    tax_id=st.text("abc123", min_size=1, max_size=4),
    name=st.just("T"),
    percentage=st.sampled_from([D(0), D(4), D(5), D(10), D(22), D("7.5")]),
    kind=st.sampled_from(["tax", "compound_tax", "tax_group"]),
    is_default=st.booleans(),
    active=st.booleans(),
)
rates = st.sampled_from([None, D(0), D(4), D(5), D(10), D(22), D("7.5"), D(19)])


@settings(deadline=None)  # no timing assertions
@given(rates, st.lists(tax_rows, max_size=8), st.booleans())
def test_never_a_wrong_tax(rate: Decimal | None, taxes: list[TaxInfo], use_map: bool) -> None:
    tax_map = {t.percentage: t.tax_id for t in taxes[:1]} if use_map else {}
    try:
        choice = choose_tax(rate, taxes, tax_map=tax_map)
    except MappingProblem as problem:
        configuration = problem.from_configuration
        assert configuration, "every tax problem can be fixed in Zoho or the tax map"
        return
    if choice.tax is None:
        assert rate is None or rate == 0
    else:
        assert choice.tax.active
        assert choice.tax.percentage == rate
        assert any(t is choice.tax for t in taxes)
