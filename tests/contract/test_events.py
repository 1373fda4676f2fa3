"""The event contract: what ``parse_event`` accepts, what it rejects and why (SPEC §2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.events import (
    MAX_EVENT_BYTES,
    EventRejected,
    Order,
    OrderRef,
    RejectReason,
    parse_event,
)

PAID_ORDER: dict[str, Any] = {
    "id": "1001",
    "number": "#1001",
    "revision": 3,
    "status": "paid",
    "currency": "EUR",
    "placed_at": "2026-11-23T10:02:11+01:00",
    "customer": {"email": "giulia.rossi@example.it", "first_name": "Giulia"},
    "billing_address": {"line1": "Via Roma 12", "city": "Milano", "country": "IT"},
    "lines": [{"sku": "ESP-1KG", "name": "Espresso beans", "quantity": 2,
               "unit_price": "18.00", "tax_rate": "22"}],
    "shipping": {"amount": "5.00", "tax_rate": "22"},
    "total": "50.06",
}  # fmt: skip


def envelope(data: object, **changes: object) -> dict[str, Any]:
    """A CloudEvent as the shop sends it, with ``changes`` applied (``None`` removes a key)."""
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": "9b2f6a0e-3c1d-4f7e-9a53-0c2f1e7d8b11",
        "source": "https://shop.example",
        "type": "order.paid",
        "time": "2026-11-23T09:04:38Z",
        "datacontenttype": "application/json",
        "data": data,
    }
    event.update(changes)
    return {key: value for key, value in event.items() if value is not None}


def encode(document: object) -> bytes:
    """The message body for ``document``."""
    return json.dumps(document).encode()


def rejection(body: bytes) -> EventRejected:
    """The rejection ``parse_event`` raises for ``body``."""
    with pytest.raises(EventRejected) as caught:
        parse_event(body)
    return caught.value


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"specversion": "1.0", "id": "e1", "data": {"id": "10', "invalid_json"),
        (encode(envelope(PAID_ORDER)).replace(b'"50.06"', b"NaN"), "invalid_json"),
        ("Caffè".encode("latin-1"), "invalid_json"),
        (b"", "invalid_json"),
        (encode([envelope(PAID_ORDER)]), "not_cloudevent"),
        (encode(envelope(PAID_ORDER, time=None)), "not_cloudevent"),
        (encode(envelope(PAID_ORDER, time="2026-11-23T10:15:00")), "not_cloudevent"),
        (encode(envelope(PAID_ORDER, specversion="0.3")), "not_cloudevent"),
        (encode(envelope(PAID_ORDER, source=None)), "not_cloudevent"),
        (encode(envelope(PAID_ORDER, datacontenttype="application/xml")), "not_cloudevent"),
        (encode(envelope(PAID_ORDER, type="order.refunded")), "unknown_type"),
        (encode(envelope(dict(PAID_ORDER, lines=[]))), "invalid_order"),
        (encode(envelope(dict(PAID_ORDER, customer={"email": "not-an-email"}))), "invalid_order"),
    ],
)
def test_each_malformed_message_is_rejected_with_its_reason(
    body: bytes, reason: RejectReason
) -> None:
    rejected = rejection(body)

    assert rejected.reason == reason
    assert rejected.detail


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_a_deeply_nested_body_is_invalid_json_not_a_crash(opening: bytes) -> None:
    rejected = rejection(opening * 100_000)

    assert rejected.reason == "invalid_json"
    assert "nested" in rejected.detail


def test_envelope_without_time_names_the_field() -> None:
    rejected = rejection(encode(envelope(PAID_ORDER, time=None)))

    assert rejected.reason == "not_cloudevent"
    assert "time" in rejected.detail


def test_unknown_type_names_the_type() -> None:
    assert "order.refunded" in rejection(encode(envelope(PAID_ORDER, type="order.refunded"))).detail


def test_a_message_over_one_mebibyte_is_too_large_and_at_the_limit_is_not() -> None:
    at_limit = encode(envelope(PAID_ORDER))
    at_limit += b" " * (MAX_EVENT_BYTES - len(at_limit))
    huge_line = dict(PAID_ORDER["lines"][0], description="x" * 2000)
    too_large = encode(envelope(dict(PAID_ORDER, lines=[huge_line] * 600)))

    assert parse_event(at_limit).order_id == "1001"
    assert len(too_large) > MAX_EVENT_BYTES
    assert rejection(too_large).reason == "too_large"


def test_paid_order_without_currency_total_and_lines_names_each_field() -> None:
    missing = {"currency", "total", "lines"}
    order = {key: value for key, value in PAID_ORDER.items() if key not in missing}
    rejected = rejection(encode(envelope(order)))

    assert rejected.reason == "invalid_order"
    for field in ("currency", "total", "lines"):
        assert f"{field}: Field required" in rejected.detail


def test_updated_order_needs_the_same_fields_as_paid() -> None:
    body = encode(envelope({"id": "1001", "revision": 4}, type="order.updated"))

    assert rejection(body).reason == "invalid_order"


def test_deleted_order_needs_only_its_id() -> None:
    event = parse_event(encode(envelope({"id": "1001"}, type="order.deleted")))

    assert event.type == "order.deleted"
    assert event.order == OrderRef(id="1001")


def test_deleted_order_keeps_its_revision_and_ignores_the_rest() -> None:
    event = parse_event(encode(envelope(dict(PAID_ORDER, revision=5), type="order.deleted")))

    assert event.order == OrderRef(id="1001", revision=5)


def test_deleted_order_without_id_is_invalid() -> None:
    body = encode(envelope({"revision": 5}, type="order.deleted"))

    assert rejection(body).reason == "invalid_order"


def test_ids_given_as_integers_become_strings() -> None:
    paid = parse_event(encode(envelope(dict(PAID_ORDER, id=1001, number=1001))))
    deleted = parse_event(encode(envelope({"id": 77}, type="order.deleted")))

    assert (paid.order_id, deleted.order_id) == ("1001", "77")
    assert isinstance(paid.order, Order)
    assert paid.order.number == "1001"


def test_envelope_facts_are_kept() -> None:
    event = parse_event(encode(envelope(PAID_ORDER)))

    assert event.event_id == "9b2f6a0e-3c1d-4f7e-9a53-0c2f1e7d8b11"
    assert event.source == "https://shop.example"
    assert event.time == datetime(2026, 11, 23, 9, 4, 38, tzinfo=UTC)


def test_lower_case_country_codes_are_read_upper_case() -> None:
    address = dict(PAID_ORDER["billing_address"], country="it")
    event = parse_event(encode(envelope(dict(PAID_ORDER, billing_address=address))))

    assert isinstance(event.order, Order)
    assert event.order.billing_address is not None
    assert event.order.billing_address.country == "IT"


def _with_total(json_value: str, field: str = "total") -> bytes:
    # The amount is spliced in as JSON text: a Python float would already have lost digits.
    body = encode(envelope(dict(PAID_ORDER, **{field: "AMOUNT"})))
    return body.replace(b'"AMOUNT"', json_value.encode())


@pytest.mark.parametrize(
    ("json_value", "expected"),
    [
        ("0.1", "0.1"),
        ('"0.1"', "0.1"),
        ("50.06", "50.06"),
        ('"50.06"', "50.06"),
        ("12345678901234.567891", "12345678901234.567891"),
        ('"12345678901234.567891"', "12345678901234.567891"),
        ("7", "7"),
    ],
)
def test_amounts_as_numbers_or_strings_are_exact_decimals(json_value: str, expected: str) -> None:
    order = parse_event(_with_total(json_value)).order

    assert isinstance(order, Order)
    assert isinstance(order.total, Decimal)
    assert order.total == Decimal(expected)
    assert str(order.total) == expected


@pytest.mark.parametrize("json_value", ["12345678901234567.891", '"12345678901234567.891"'])
def test_a_long_number_keeps_every_digit(json_value: str) -> None:
    order = parse_event(_with_total(json_value, field="exchange_rate")).order

    assert isinstance(order, Order)
    assert order.exchange_rate == Decimal("12345678901234567.891")


def test_an_amount_beyond_the_money_precision_is_refused_not_rounded() -> None:
    rejected = rejection(_with_total("12345678901234567.891"))

    assert rejected.reason == "invalid_order"
    assert rejected.detail.startswith("total:")


# --- property: whatever a valid Order is, its JSON form parses back to the same Order ----------

_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Z")), min_size=1, max_size=12
)
_zones = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
# hypothesis takes naive bounds and attaches the generated zone itself.
_moments = st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=_zones)  # noqa: DTZ001
_money = st.integers(0, 6).flatmap(
    lambda places: st.decimals(0, 10**12, places=places, allow_nan=False, allow_infinity=False)
)
_positive = _money.filter(lambda amount: amount > 0)
_rates = st.none() | st.decimals(0, 100, places=2, allow_nan=False, allow_infinity=False)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


_customers = st.fixed_dictionaries(
    {"email": st.from_regex(r"\A[a-z0-9._+-]{1,12}@[a-z0-9.-]{1,12}\Z")},
    optional=dict.fromkeys(("first_name", "last_name", "company", "vat_number"), _text),
)
_addresses = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(("line1", "line2", "city", "postcode", "region", "name"), _text),
        "country": st.from_regex(r"\A[A-Za-z]{2}\Z"),
    },
)
_lines = st.fixed_dictionaries(
    {
        "name": _text,
        "quantity": st.decimals("0.0001", 10**6, places=4, allow_nan=False, allow_infinity=False),
        "unit_price": _money,
        "tax_rate": _rates,
    },
    optional={"sku": _text, "description": _text},
)
_discounts = st.fixed_dictionaries(
    {"amount": _positive, "tax_rate": _rates}, optional={"code": _text}
)
_orders = st.fixed_dictionaries(
    {
        "id": _text | st.integers(0, 10**12),
        "currency": st.from_regex(r"\A[A-Z]{3}\Z"),
        "customer": _customers,
        "lines": st.lists(_lines, min_size=1, max_size=3),
        "total": st.integers(0, 6).flatmap(
            lambda places: st.decimals(-(10**12), 10**12, places=places, allow_nan=False)
        ),
    },
    optional={
        "number": _text,
        "revision": st.integers(0, 2**40),
        "status": st.sampled_from(["pending", "paid", "cancelled", "refunded"]),
        "placed_at": _optional(_moments),
        "paid_at": _moments,
        "prices_include_tax": st.booleans(),
        "billing_address": _addresses,
        "shipping_address": _optional(_addresses),
        "discounts": st.lists(
            st.fixed_dictionaries(
                {"amount": _positive, "tax_rate": _rates}, optional={"code": _text}
            ),
            max_size=2,
        ),
        "shipping": st.fixed_dictionaries({"amount": _money, "tax_rate": _rates}),
        "exchange_rate": _positive,
    },
).map(Order.model_validate)


@settings(deadline=None)
@given(order=_orders, event_type=st.sampled_from(["order.paid", "order.updated"]))
def test_any_valid_order_round_trips_through_its_json(order: Order, event_type: str) -> None:
    body = encode(envelope(order.model_dump(mode="json"), type=event_type))

    assert parse_event(body).order == order
