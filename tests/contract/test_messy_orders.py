"""Properties over messy-but-valid orders (``tests.support.messy_orders``): each is accepted
by ``parse_event`` and by our JSON Schema, and maps to contact and invoice bodies Zoho's
request schemas accept; a required field blanked in any form rejects the order naming it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.absence import BLANKS, names, with_value
from tests.support.exact_json import encode
from tests.support.mapping import CATALOG
from tests.support.messy_orders import MESSY_ORDERS, required_paths
from tests.support.zoho_requests import request_validators, violations
from worker.domain.contact_mapping import display_name, new_contact_payload
from worker.domain.invoice_mapping import MappingSettings, map_invoice
from worker.events import EventRejected, Order, parse_event

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "order.paid.schema.json"
PAID = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
MAPPING = MappingSettings(tax_map={Decimal(10): "t10"})
TODAY = date(2026, 11, 23)
# Fixed examples for CI: the same orders on every run, no deadline (no timing assertions).
PROPERTY = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def body(data: dict[str, Any]) -> bytes:
    """``data`` as an ``order.paid`` CloudEvent, numbers exact."""
    return encode(
        {"specversion": "1.0", "id": "e-1", "source": "https://shop.example",
         "type": "order.paid", "time": "2026-11-23T09:04:38Z", "data": data}
    )  # fmt: skip


def accepted(data: dict[str, Any]) -> Order:
    """The order ``parse_event`` reads, after checking our JSON Schema accepts it too."""
    message = body(data)
    order = parse_event(message).order
    assert isinstance(order, Order)
    document = json.loads(message)
    assert PAID.is_valid(document), [error.message for error in PAID.iter_errors(document)]
    return order


def zoho_bodies(order: Order) -> tuple[dict[str, Any], dict[str, Any]]:
    """The contact-create and invoice-create bodies for ``order``."""
    currency = CATALOG.currency(order.currency)
    assert currency is not None
    contact = new_contact_payload(
        order, currency.currency_id, display_name(order.customer), "vat_reg_no"
    )
    draft = map_invoice(order, "460000000012345", CATALOG, MAPPING, fallback_date=TODAY)
    return contact, draft.payload


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    """The sandbox's request validators (the shipped schemas unless overridden)."""
    return request_validators()


@PROPERTY
@given(data=MESSY_ORDERS)
def test_a_messy_order_is_accepted_and_maps(data: dict[str, Any]) -> None:
    order = accepted(data)

    contact, invoice = zoho_bodies(order)

    assert contact["contact_name"].strip()
    assert len(invoice["line_items"]) >= len(order.lines)
    assert all(0 < len(line["name"]) <= 100 for line in invoice["line_items"])


@PROPERTY
@given(data=MESSY_ORDERS)
def test_a_messy_order_maps_to_bodies_zoho_accepts(
    data: dict[str, Any], validators: dict[str, Any]
) -> None:
    contact, invoice = zoho_bodies(accepted(data))

    assert violations(validators["contacts.create"], contact) == []
    assert violations(validators["invoices.create"], invoice) == []


@PROPERTY
@given(data=MESSY_ORDERS, choice=st.data(), form=st.sampled_from(sorted(BLANKS)))
def test_a_blanked_required_field_rejects_the_order_naming_it(
    data: dict[str, Any], choice: st.DataObject, form: str
) -> None:
    path = choice.draw(st.sampled_from(required_paths(data)), label="path")
    blanked = with_value(data, path, BLANKS[form])

    with pytest.raises(EventRejected) as caught:
        parse_event(body(blanked))

    assert caught.value.reason == "invalid_order"
    assert names(caught.value.detail, path), caught.value.detail
    assert not PAID.is_valid(json.loads(body(blanked)))
