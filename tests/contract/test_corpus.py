"""Realistic shop orders (``tests/corpus``) parse, map, and make bodies Zoho's schemas accept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.corpus.orders import CORPUS, LONG_NAME, event_body
from tests.support.mapping import CATALOG
from tests.support.zoho_requests import request_validators, violations
from worker.domain.catalog import CurrencyInfo
from worker.domain.contact_mapping import NAME_LIMIT, display_name, new_contact_payload
from worker.domain.invoice_lines import NAME_LIMIT as LINE_NAME_LIMIT
from worker.domain.invoice_mapping import MappingSettings, map_invoice, totals_match
from worker.events import Order, parse_event

TODAY = date(2026, 11, 23)
SETTINGS = MappingSettings(tax_map={Decimal(10): "t10"})


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    """The sandbox's request validators (the shipped schemas unless overridden)."""
    return request_validators()


def parsed(name: str) -> Order:
    """The corpus order ``name`` as ``parse_event`` reads it from its CloudEvent."""
    order = parse_event(event_body(CORPUS[name])).order
    assert isinstance(order, Order)
    return order


def _currency(order: Order) -> CurrencyInfo:
    currency = CATALOG.currency(order.currency)
    assert currency is not None
    return currency


def contact_body(order: Order) -> dict[str, Any]:
    """The contact-create body for the order's customer."""
    name = display_name(order.customer)
    return new_contact_payload(order, _currency(order).currency_id, name, "vat_reg_no")


def invoice_body(order: Order) -> dict[str, Any]:
    """The invoice-create body, checked to come to the order's total."""
    draft = map_invoice(order, "460000000012345", CATALOG, SETTINGS, fallback_date=TODAY)
    assert totals_match(order.total, draft.expected_total), (order.total, draft.expected_total)
    return draft.payload


@pytest.mark.parametrize("name", CORPUS)
def test_each_corpus_order_parses_and_maps(name: str) -> None:
    order = parsed(name)

    contact = contact_body(order)
    invoice = invoice_body(order)

    assert 0 < len(contact["contact_name"]) <= NAME_LIMIT
    assert contact["contact_persons"][0]["email"] == order.customer.email
    assert all(len(line["name"]) <= LINE_NAME_LIMIT for line in invoice["line_items"])
    assert all(line.get("description", "x").strip() for line in invoice["line_items"])


@pytest.mark.parametrize("name", CORPUS)
def test_each_corpus_order_makes_bodies_zoho_accepts(name: str, validators: dict[str, Any]) -> None:
    order = parsed(name)

    assert violations(validators["contacts.create"], contact_body(order)) == []
    assert violations(validators["invoices.create"], invoice_body(order)) == []


def test_a_woocommerce_guest_has_no_company_phone_or_empty_fields() -> None:
    order = parsed("woo-guest")

    contact = contact_body(order)

    assert contact["contact_name"] == "Mario Rossi"
    assert contact["customer_sub_type"] == "individual"
    assert "company_name" not in contact
    assert contact["contact_persons"] == [
        {"email": "mario.rossi@example.it", "is_primary_contact": True,
         "first_name": "Mario", "last_name": "Rossi"},
    ]  # fmt: skip
    assert contact["billing_address"]["street2"] == ""
    assert [line.get("description") for line in invoice_body(order)["line_items"]] == [
        None, None, "Corriere espresso",
    ]  # fmt: skip


def test_an_order_with_only_an_email_gets_a_contact_named_by_the_email() -> None:
    order = parsed("woo-email-only")

    contact = contact_body(order)

    assert order.billing_address is None
    assert contact["contact_name"] == "solo.email@example.com"
    assert "billing_address" not in contact
    assert contact["contact_persons"] == [
        {"email": "solo.email@example.com", "is_primary_contact": True}
    ]


def test_shopify_nulls_and_padding_are_absent() -> None:
    guest, no_billing = parsed("shopify-guest-nulls"), parsed("shopify-no-billing")

    assert guest.customer.company is None
    assert guest.customer.phone is None
    assert guest.billing_address is not None
    assert guest.billing_address.line2 is None
    assert guest.billing_address.region is None
    assert contact_body(guest)["contact_name"] == "Jon Snow"
    assert no_billing.customer.email == "gift.buyer@example.com"
    assert no_billing.customer.phone is None
    assert no_billing.shipping is None


def test_a_long_unicode_name_is_cut_for_the_line_and_kept_whole_in_the_description() -> None:
    order = parsed("woo-long-name-unicode")

    first, second = invoice_body(order)["line_items"][:2]

    assert len(LONG_NAME) > LINE_NAME_LIMIT
    assert first["name"] == LONG_NAME[:LINE_NAME_LIMIT]
    assert first["description"] == LONG_NAME
    assert second["name"] == "Tè verde Sencha 渡辺 🍵"
    assert contact_body(order)["contact_name"] == "Zoë Ångström"


def test_a_zero_coupon_adds_no_line_and_an_emoji_company_names_the_contact() -> None:
    order = parsed("woo-business-coupons")

    names = [line["name"] for line in invoice_body(order)["line_items"]]
    contact = contact_body(order)

    assert names == ["Miscela Bar", "Zucchero di canna 500g", "Discount welcome10"]
    assert contact["contact_name"] == "Caffè ☕ Roma S.r.l."
    assert contact["vat_reg_no"] == "IT01234567890"


def test_fractional_quantities_and_many_lines_are_kept() -> None:
    by_weight, many = parsed("woo-by-weight"), parsed("woo-150-lines")

    assert [line.quantity for line in by_weight.lines] == [Decimal("0.75"), Decimal("1.25")]
    assert len(invoice_body(many)["line_items"]) == 150


def test_a_second_currency_keeps_its_exchange_rate_and_precision() -> None:
    usd, jpy = parsed("woo-usd-inclusive"), parsed("shopify-jpy")

    assert invoice_body(usd)["exchange_rate"] == Decimal("0.92")
    assert invoice_body(usd)["is_inclusive_tax"] is True
    assert [line["rate"] for line in invoice_body(jpy)["line_items"]] == [
        Decimal(1200), Decimal(-500), Decimal(600),
    ]  # fmt: skip
