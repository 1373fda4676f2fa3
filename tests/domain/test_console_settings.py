"""Console settings: validation of each field, and which value wins at a start (SPEC §9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, get_args

import pytest

from worker.config import DataCenter
from worker.domain.console_settings import (
    DATA_CENTERS,
    FIELDS,
    SettingRejected,
    StoredSettings,
    parse_value,
    resolve,
)

ENV: dict[str, Any] = {
    "data_center": "eu",
    "organization_id": "111",
    "auto_sync": True,
    "reference_template": "ORD-{id}",
    "discount_label": "Discount",
    "shipping_label": "Shipping",
    "tax_map": {},
}


def test_the_data_centers_are_the_configurations() -> None:
    assert set(get_args(DataCenter)) == set(DATA_CENTERS)


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("data_center", "com.au", "com.au"),
        ("organization_id", " 12345 ", "12345"),
        ("organization_id", None, None),
        ("auto_sync", False, False),
        ("reference_template", "#{number}/{id}", "#{number}/{id}"),
        ("discount_label", " Sconto ", "Sconto"),
        (
            "tax_map",
            {"22": "460", "5.50": "461", "0": "462"},
            {Decimal(22): "460", Decimal("5.5"): "461", Decimal(0): "462"},
        ),
    ],
)
def test_good_values_are_parsed(name: str, raw: object, expected: object) -> None:
    assert parse_value(name, raw) == expected


@pytest.mark.parametrize(
    ("name", "raw", "field"),
    [
        ("data_center", "us", "data_center"),
        ("organization_id", "abc", "organization_id"),
        ("organization_id", True, "organization_id"),
        ("auto_sync", "yes", "auto_sync"),
        ("reference_template", "{order}", "reference_template"),
        ("reference_template", "{}", "reference_template"),
        ("reference_template", "{id", "reference_template"),
        ("reference_template", "", "reference_template"),
        ("shipping_label", "  ", "shipping_label"),
        ("tax_map", ["22"], "tax_map"),
        ("tax_map", {"-1": "460"}, "tax_map.-1"),
        ("tax_map", {"x": "460"}, "tax_map.x"),
        ("tax_map", {"NaN": "460"}, "tax_map.NaN"),
        ("tax_map", {"22": ""}, "tax_map.22"),
        ("timezone", "UTC", "timezone"),
    ],
)
def test_bad_values_name_their_field(name: str, raw: object, field: str) -> None:
    with pytest.raises(SettingRejected) as caught:
        parse_value(name, raw)
    assert caught.value.field == field


def test_without_stored_values_the_environment_runs() -> None:
    result = resolve(StoredSettings(), ENV, frozenset({"organization_id"}))

    assert result.values == ENV
    assert result.sources["organization_id"] == "environment"
    assert result.sources["data_center"] == "default"
    assert not result.forget
    assert not result.notes


def test_a_stored_value_wins_over_an_unchanged_environment() -> None:
    stored = StoredSettings({"organization_id": "222", "auto_sync": False}, dict(ENV))

    result = resolve(stored, ENV)

    assert result.values["organization_id"] == "222"
    assert result.values["auto_sync"] is False
    assert result.sources["organization_id"] == "console"
    assert not result.forget


def test_a_stored_value_wins_when_no_environment_was_seen_yet() -> None:
    result = resolve(StoredSettings({"discount_label": "Sconto"}, None), ENV)

    assert result.values["discount_label"] == "Sconto"
    assert result.sources["discount_label"] == "console"


def test_an_environment_changed_since_last_seen_wins_again_and_is_logged() -> None:
    seen = {**ENV, "organization_id": "111"}
    stored = StoredSettings({"organization_id": "222", "shipping_label": "Spedizione"}, seen)
    environment = {**ENV, "organization_id": "333"}

    result = resolve(stored, environment, frozenset({"organization_id"}))

    assert result.values["organization_id"] == "333"
    assert result.sources["organization_id"] == "environment"
    assert result.values["shipping_label"] == "Spedizione"  # its environment did not change
    assert result.forget == {"organization_id"}
    assert len(result.notes) == 1
    assert "organization_id" in result.notes[0]
    assert "333" not in result.notes[0]
    assert "222" not in result.notes[0]


def test_a_changed_environment_without_a_stored_value_is_just_the_environment() -> None:
    result = resolve(StoredSettings({}, dict(ENV)), {**ENV, "auto_sync": False})

    assert result.values["auto_sync"] is False
    assert not result.forget
    assert not result.notes


def test_every_field_is_resolved() -> None:
    assert set(resolve(StoredSettings(), ENV).values) == set(FIELDS)
