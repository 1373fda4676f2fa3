"""Absence in every form (SPEC §2): each optional field blanked is absent, each required
one blanked rejects the order naming it; the JSON Schema agrees with the parser."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from tests.support.absence import BLANKS, names, with_value
from tests.support.mapping import CATALOG
from worker.domain.invoice_mapping import MappingSettings, map_invoice
from worker.events import EventRejected, Order, OrderRef, is_blank, parse_event

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ADDRESS = {
    "line1": "Via Roma 1", "line2": "Scala B", "city": "Roma", "postcode": "00100",
    "region": "RM", "country": "IT", "company": "Lovelace SRL", "name": "Ada Lovelace",
}  # fmt: skip
FULL_ORDER: dict[str, Any] = {
    "id": "1001",
    "number": "#1001",
    "revision": 3,
    "status": "paid",
    "currency": "EUR",
    "placed_at": "2026-11-23T10:02:11+01:00",
    "paid_at": "2026-11-23T10:03:00+01:00",
    "prices_include_tax": True,
    "customer": {
        "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
        "company": "Lovelace SRL", "phone": "+39 06 1", "vat_number": "IT1", "tax_code": "LVL",
    },
    "billing_address": ADDRESS,
    "shipping_address": ADDRESS,
    "lines": [{"sku": "NB-1", "name": "Notebook", "description": "A5, dotted", "quantity": "2",
               "unit_price": "10.00", "tax_rate": "22"}],
    "discounts": [{"code": "WELCOME", "description": "Welcome", "amount": "2.00",
                   "tax_rate": "22"}],
    "shipping": {"description": "Courier", "amount": "5.00", "tax_rate": "22"},
    "total": "23.00",
    "exchange_rate": "1.1",
}  # fmt: skip

OPTIONAL = [
    "number", "revision", "status", "placed_at", "paid_at", "prices_include_tax",
    "exchange_rate", "billing_address", "shipping_address", "discounts", "shipping",
    *(f"customer.{f}" for f in ("first_name", "last_name", "company", "phone", "vat_number",
                                "tax_code")),
    *(f"{a}.{f}" for a in ("billing_address", "shipping_address") for f in ADDRESS),
    "lines.0.sku", "lines.0.description", "lines.0.tax_rate",
    "discounts.0.code", "discounts.0.description", "discounts.0.tax_rate",
    "shipping.description", "shipping.tax_rate",
]  # fmt: skip
REQUIRED = [
    "id", "currency", "customer", "customer.email", "lines", "lines.0.name",
    "lines.0.quantity", "lines.0.unit_price", "total", "discounts.0.amount", "shipping.amount",
]  # fmt: skip
DEFAULTS = {"discounts": (), "prices_include_tax": False}


def changed(path: str, value: object) -> dict[str, Any]:
    """The full order with the field at ``path`` set to ``value`` (or removed)."""
    return with_value(FULL_ORDER, path, value)


def body(data: object, event_type: str = "order.paid") -> bytes:
    """``data`` as a CloudEvent body."""
    return json.dumps(
        {"specversion": "1.0", "id": "e-1", "source": "https://shop.example", "type": event_type,
         "time": "2026-11-23T09:04:38Z", "data": data},
        ensure_ascii=False,
    ).encode()  # fmt: skip


def parsed(data: object) -> Order:
    """The order ``parse_event`` reads from ``data``."""
    order = parse_event(body(data)).order
    assert isinstance(order, Order)
    return order


def read(model: object, path: str) -> object:
    """The value at a dotted ``path`` of a parsed model."""
    for part in path.split("."):
        model = model[int(part)] if part.isdigit() else getattr(model, part)  # type: ignore[index]
    return model


def rejected(data: object, event_type: str = "order.paid") -> EventRejected:
    """The rejection of ``data``."""
    with pytest.raises(EventRejected) as caught:
        parse_event(body(data, event_type))
    assert caught.value.reason == "invalid_order"
    return caught.value


@pytest.fixture(scope="module")
def paid_schema() -> jsonschema.Draft202012Validator:
    """The checked-in JSON Schema of ``order.paid``."""
    schema = json.loads((SCHEMAS / "order.paid.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def test_the_full_order_is_valid(paid_schema: jsonschema.Draft202012Validator) -> None:
    order = parsed(FULL_ORDER)

    assert order.customer.tax_code == "LVL"
    assert paid_schema.is_valid(json.loads(body(FULL_ORDER)))


@pytest.mark.parametrize("form", BLANKS)
@pytest.mark.parametrize("path", OPTIONAL)
def test_an_optional_field_in_any_form_of_absence_is_absent(path: str, form: str) -> None:
    order = parsed(changed(path, BLANKS[form]))

    assert read(order, path) == DEFAULTS.get(path)


@pytest.mark.parametrize("form", BLANKS)
@pytest.mark.parametrize("path", OPTIONAL)
def test_the_schema_accepts_an_optional_field_in_any_form_of_absence(
    path: str, form: str, paid_schema: jsonschema.Draft202012Validator
) -> None:
    event = json.loads(body(changed(path, BLANKS[form])))

    assert paid_schema.is_valid(event), [e.message for e in paid_schema.iter_errors(event)]


@pytest.mark.parametrize("form", BLANKS)
@pytest.mark.parametrize("path", REQUIRED)
def test_a_required_field_in_any_form_of_absence_rejects_the_order_naming_it(
    path: str, form: str, paid_schema: jsonschema.Draft202012Validator
) -> None:
    data = changed(path, BLANKS[form])

    detail = rejected(data).detail

    assert names(detail, path), detail
    assert not paid_schema.is_valid(json.loads(body(data)))


@pytest.mark.parametrize("form", ["missing", "null", "empty", "spaces"])
def test_a_blank_required_value_reads_as_missing(form: str) -> None:
    for path in ("customer.email", "currency", "total", "lines.0.name", "id"):
        assert f"{path}: Field required" in rejected(changed(path, BLANKS[form])).detail


def test_an_empty_customer_names_the_email() -> None:
    assert rejected(changed("customer", {"email": "", "phone": ""})).detail == (
        "customer.email: Field required"
    )


def test_a_blank_line_name_is_reported_once() -> None:
    assert rejected(changed("lines.0.name", "")).detail == "lines.0.name: Field required"


def test_an_address_of_blanks_is_absent_and_a_partial_one_keeps_what_it_has() -> None:
    woo_shipping = dict.fromkeys(ADDRESS, "")
    partial = {**woo_shipping, "line1": "Via Roma 1", "country": "it"}

    order = parsed({**FULL_ORDER, "shipping_address": woo_shipping, "billing_address": partial})

    assert order.shipping_address is None
    assert order.billing_address is not None
    assert order.billing_address.model_dump(exclude_none=True) == {
        "line1": "Via Roma 1", "country": "IT",
    }  # fmt: skip


def test_shipping_without_an_amount_but_with_text_names_the_amount() -> None:
    detail = rejected(changed("shipping", {"description": "Courier", "amount": ""})).detail

    assert detail == "shipping.amount: Field required"


def test_a_deleted_order_reads_absence_the_same_way() -> None:
    event = parse_event(body({"id": 1001, "revision": "", "currency": ""}, "order.deleted"))

    assert event.order == OrderRef(id="1001")
    assert names(rejected({"id": "  ", "revision": 4}, "order.deleted").detail, "id")


# --- values in the forms shops send them -------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("total", "23.00", Decimal("23.00")),
        ("total", " 23.00 ", Decimal("23.00")),
        ("total", 23, Decimal(23)),
        ("lines.0.unit_price", 12.3, Decimal("12.3")),
        ("lines.0.unit_price", "12.345", Decimal("12.345")),
        ("lines.0.quantity", "2", Decimal(2)),
        ("lines.0.quantity", 1.5, Decimal("1.5")),
        ("lines.0.tax_rate", 22, Decimal(22)),
        ("revision", "3", 3),
        ("revision", 3, 3),
        ("id", 1001, "1001"),
        ("id", " 1001 ", "1001"),
        ("number", 1001, "1001"),
        ("currency", " eur ", "EUR"),
        ("customer.email", "  Ada@Example.com ", "Ada@Example.com"),
        ("customer.first_name", "  Zoë  ", "Zoë"),
        ("customer.last_name", "渡辺", "渡辺"),
        ("customer.company", "Caffè 🚀", "Caffè 🚀"),
        ("billing_address.country", " it ", "IT"),
        ("prices_include_tax", "true", True),
        ("discounts.0.amount", "0.00", Decimal("0.00")),
    ],
)
def test_values_in_the_forms_shops_send(field: str, value: object, expected: object) -> None:
    assert read(parsed(changed(field, value)), field) == expected


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("number", 1001, "1001"),
        ("lines.0.sku", 12345, "12345"),
        ("lines.0.name", 2026, "2026"),
        ("billing_address.postcode", 20121, "20121"),
        ("customer.phone", 390612345, "390612345"),
        ("revision", "3", 3),
        ("total", " 23.00 ", Decimal("23.00")),
        ("lines.0.quantity", 1.5, Decimal("1.5")),
    ],
)
def test_the_schema_accepts_what_shops_send_as_the_parser_does(
    field: str, value: object, expected: object, paid_schema: jsonschema.Draft202012Validator
) -> None:
    data = changed(field, value)

    assert read(parsed(data), field) == expected
    assert paid_schema.is_valid(json.loads(body(data)))


def test_a_number_left_blank_shows_the_id() -> None:
    assert parsed(changed("number", "")).display_number == "1001"


def test_a_name_over_100_characters_is_accepted() -> None:
    long_name = "Ångström " * 30

    order = parsed(changed("lines.0.name", long_name))

    assert order.lines[0].name == long_name.strip()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lines.0.quantity", "-1"),
        ("lines.0.quantity", 0),
        ("lines.0.unit_price", "-0.01"),
        ("lines.0.tax_rate", "101"),
        ("discounts.0.amount", "-2.00"),
        ("shipping.amount", "-5"),
        ("total", "twelve"),
        ("currency", "EURO"),
        ("customer.email", "not-an-email"),
        ("billing_address.country", "ITA"),
        ("revision", "-1"),
        ("revision", "three"),
        ("placed_at", "2026-11-23T10:02:11"),
        ("prices_include_tax", "maybe"),
        ("exchange_rate", "0"),
    ],
)
def test_a_wrong_value_is_still_invalid_and_named(field: str, value: object) -> None:
    assert names(rejected(changed(field, value)).detail, field)


def test_a_zero_discount_is_accepted_and_adds_no_line() -> None:
    order = parsed(changed("discounts.0.amount", "0.00"))

    draft = map_invoice(order, "c", CATALOG, MappingSettings(), fallback_date=date(2026, 11, 23))

    assert [line["name"] for line in draft.payload["line_items"]] == ["Notebook", "Shipping"]


# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "blank"),
    [
        (None, True), ("", True), (" \t\n", True), ({}, True), ([], True),
        ({"a": "", "b": [None, {"c": " "}]}, True), ("0", False), (0, False), (False, False),
        ({"a": "", "b": 0}, False), (["", "x"], False), (Decimal(0), False),
    ],
)  # fmt: skip
def test_what_counts_as_blank(value: object, blank: bool) -> None:
    assert is_blank(value) is blank


def test_the_model_reads_absence_without_the_envelope() -> None:
    # The reconciler's feed validates orders directly: the same rule applies.
    order = Order.model_validate(changed("customer.phone", ""))

    assert order.customer.phone is None
