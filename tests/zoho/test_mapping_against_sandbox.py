"""The mapping's totals against the sandbox's: two independent implementations must agree.

Realistic orders are mapped with the catalog read from the sandbox, created
through the real client, and Zoho's returned ``total`` must be ``expected_total``;
and, in process, random orders through the sandbox's own arithmetic.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.mapping import CATALOG, ORDER_PARTS, order
from worker.domain.catalog import Catalog
from worker.domain.contact_mapping import display_name, new_contact_payload
from worker.domain.invoice_mapping import MappingSettings, map_invoice, totals_match
from worker.domain.lanes import Lane
from worker.zoho.books import ZohoBooks
from worker.zoho.catalog_adapter import catalog_from
from zoho_sandbox import RunningSandbox
from zoho_sandbox import totals as sandbox_totals

LIVE = Lane.LIVE
TODAY = date(2026, 11, 23)
ROME = {"line1": "Via Roma 1", "city": "Roma", "postcode": "00100", "country": "IT"}

ORDERS: dict[str, dict[str, Any]] = {
    "two VAT rates, discount per rate, shipping": {
        "lines": [
            {"name": "Espresso machine", "quantity": "1", "unit_price": "199.90", "tax_rate": "22"},
            {"name": "Coffee beans 1kg", "quantity": "3", "unit_price": "14.35", "tax_rate": "10"},
        ],
        "discounts": [
            {"code": "WELCOME", "amount": "19.99", "tax_rate": "22"},
            {"code": "WELCOME", "amount": "4.31", "tax_rate": "10"},
        ],
        "shipping": {"amount": "6.90", "tax_rate": "22", "description": "Courier"},
        # The shop taxed each rate's sum (41.10 + 3.87); Zoho taxes each line (44.98).
        "total": "270.52",
    },
    "tax-inclusive prices": {
        "prices_include_tax": True,
        "lines": [
            {"name": "Cookbook", "quantity": "2", "unit_price": "24.90", "tax_rate": "4"},
            {"name": "Apron " + "very long name " * 10, "quantity": "1", "unit_price": "19.99",
             "tax_rate": "22"},
        ],
        "shipping": {"amount": "4.99", "tax_rate": "22"},
        "total": "74.78",
    },
    "yen": {
        "currency": "JPY",
        "exchange_rate": "0.0061",
        "lines": [{"name": "Matcha", "quantity": "3", "unit_price": "1234.5", "tax_rate": "10"}],
        "total": "4076",
    },
    "rounding 54.54545 at 10 %": {
        "lines": [
            {"name": "Gift box", "quantity": "1", "unit_price": "54.54545", "tax_rate": "10"}
        ],
        "total": "60.00",
    },
    "tax group rounded per member": {
        # 4 % of 10.30 -> 0.41 and 1 % -> 0.10, where 5 % as one rate would give 0.52
        "lines": [{"name": "Book", "quantity": "1", "unit_price": "10.30", "tax_rate": "5"}],
        "total": "10.81",
    },
    "tax group, zero rate and untaxed": {
        "lines": [
            {"name": "Book", "quantity": "1", "unit_price": "18.00", "tax_rate": "5"},
            {"name": "Voucher", "quantity": "1", "unit_price": "10.00", "tax_rate": "0"},
            {"name": "Tip", "quantity": "1", "unit_price": "2.00"},
        ],
        "total": "30.90",
    },
}  # fmt: skip


async def _openapi_violations(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> int:
    async with http.get(f"{sandbox.origin}/_sandbox/state") as resp:
        counters = (await resp.json())["counters"]
    return int(counters.get("openapi_violations", 0))


async def _catalog(books: ZohoBooks) -> tuple[Catalog, MappingSettings]:
    taxes = await books.taxes(LIVE)
    by_name = {t.tax_name: t.tax_id for t in taxes}
    # The sandbox seeds one group; its members are known by name.
    group = {by_name["IVA 4% + contributo 1%"]: [by_name["IVA 4%"], by_name["Contributo 1%"]]}
    currencies = await books.currencies(LIVE)
    catalog = catalog_from(taxes, currencies, await books.organization(), group)
    # The sandbox has two 10 % taxes and no default among them: the map breaks the tie.
    settings = MappingSettings(
        tax_map={Decimal(10): by_name["IVA 10%"]}, timezone=ZoneInfo("Europe/Rome")
    )
    return catalog, settings


@pytest.mark.parametrize("case", ORDERS)
async def test_zoho_total_equals_expected_total(
    books: ZohoBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox, case: str
) -> None:
    catalog, settings = await _catalog(books)
    the_order = order(billing_address=ROME, **ORDERS[case])
    currency = catalog.currency(the_order.currency)
    assert currency is not None
    name = display_name(the_order.customer)
    contact = await books.create_contact(
        new_contact_payload(the_order, currency.currency_id, name, "vat_reg_no"), LIVE
    )

    draft = map_invoice(the_order, contact.contact_id, catalog, settings, fallback_date=TODAY)
    invoice = await books.create_invoice(draft.payload, LIVE)

    assert invoice.total == draft.expected_total
    assert totals_match(the_order.total, invoice.total)
    assert invoice.adjustment == draft.payload["adjustment"]
    assert invoice.status == "draft"
    assert invoice.reference_number == "ORD-1001"
    assert await _openapi_violations(http, sandbox) == 0


async def test_rounding_case_needs_its_adjustment(books: ZohoBooks) -> None:
    catalog, settings = await _catalog(books)
    the_order = order(**ORDERS["rounding 54.54545 at 10 %"])
    draft = map_invoice(the_order, "unused", catalog, settings, fallback_date=TODAY)
    assert draft.computed_total == Decimal("60.01")
    assert draft.payload["adjustment"] == Decimal("-0.01")


def _sandbox_lines(payload: dict[str, Any]) -> list[sandbox_totals.Line]:
    """The payload's lines as the sandbox's arithmetic takes them."""
    taxes = {t.tax_id: t for t in CATALOG.taxes}
    lines = []
    for line in payload["line_items"]:
        tax = taxes.get(line.get("tax_id", ""))
        applied = None
        if tax is not None:
            parts = tax.components or (tax.percentage,)
            applied = sandbox_totals.AppliedTax(
                tuple(
                    sandbox_totals.TaxComponent(f"{tax.tax_id}/{i}", p) for i, p in enumerate(parts)
                )
            )
        lines.append(sandbox_totals.Line(line["rate"], line["quantity"], None, applied))
    return lines


@settings(deadline=None, max_examples=200)  # no timing assertions
@given(ORDER_PARTS, st.integers(min_value=-6, max_value=6))
def test_expected_total_agrees_with_the_sandbox_arithmetic(
    parts: dict[str, Any], cents: int
) -> None:
    """In process, over many orders: the sandbox's ``totals.compute`` gives ``expected_total``."""
    the_order = order(**parts, total=str(Decimal(100 + cents)))
    custom = MappingSettings(tax_map={Decimal(10): "t10"})
    draft = map_invoice(the_order, "c", CATALOG, custom, fallback_date=TODAY)
    precision = 0 if the_order.currency == "JPY" else 2
    terms = sandbox_totals.Terms(
        precision=precision,
        inclusive=the_order.prices_include_tax,
        adjustment=draft.payload["adjustment"],
    )
    assert (
        sandbox_totals.compute(_sandbox_lines(draft.payload), terms).total == draft.expected_total
    )
