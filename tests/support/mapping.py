"""Builders for mapping tests: orders from plain dicts, and a catalog like the sandbox's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from worker.domain.catalog import Catalog, CurrencyInfo, TaxInfo
from worker.events import Order

D = Decimal

VAT22 = TaxInfo("t22", "VAT 22%", D(22), is_default=True)
VAT10 = TaxInfo("t10", "VAT 10%", D(10))
VAT10_FOOD = TaxInfo("t10f", "VAT 10% food", D(10))
VAT5_GROUP = TaxInfo("g5", "VAT 4% + levy 1%", D(5), kind="tax_group", components=(D(4), D(1)))
VAT4 = TaxInfo("t4", "VAT 4%", D(4))
LEVY1 = TaxInfo("t1", "Levy 1%", D(1))
ZERO_TAX = TaxInfo("t0", "Exempt", D(0))
OLD21 = TaxInfo("t21", "VAT 21% (old)", D(21), active=False)
COMPOUND7 = TaxInfo("c7", "Compound 7%", D(7), kind="compound_tax")
TAXES = (VAT22, VAT10, VAT10_FOOD, VAT5_GROUP, VAT4, LEVY1, ZERO_TAX, OLD21, COMPOUND7)

EUR = CurrencyInfo("c-eur", "EUR", 2)
USD = CurrencyInfo("c-usd", "USD", 2)
JPY = CurrencyInfo("c-jpy", "JPY", 0)
CATALOG = Catalog(taxes=TAXES, currencies=(EUR, USD, JPY), base_currency="EUR")


def order(**fields: Any) -> Order:
    """A valid paid order; ``fields`` replace the defaults (one 10.00 line, untaxed)."""
    data: dict[str, Any] = {
        "id": "1001",
        "number": "#1001",
        "status": "paid",
        "currency": "EUR",
        "placed_at": "2026-11-23T10:15:00Z",
        "customer": {"email": "Ada@Example.com", "first_name": "Ada", "last_name": "Lovelace"},
        "lines": [{"name": "Notebook", "quantity": "1", "unit_price": "10.00"}],
        "total": "10.00",
    }
    data.update(fields)
    return Order.model_validate(data)


# -- hypothesis: the parts of an order that decide its invoice (rates 10 go through the map) --

TAX_RATES = [None, D(0), D(4), D(5), D(10), D(22)]
NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ]{0,150}[A-Za-z0-9]", fullmatch=True)
PRICES = st.decimals(min_value=0, max_value=500, places=5)
AMOUNTS = st.decimals(min_value=D("0.01"), max_value=20, places=2)
PRODUCT_LINES = st.fixed_dictionaries(
    {
        "name": NAMES,
        "quantity": st.decimals(min_value=D("0.25"), max_value=5, places=2),
        "unit_price": PRICES,
        "tax_rate": st.sampled_from(TAX_RATES),
    },
    optional={"description": NAMES},
)
DISCOUNTS = st.fixed_dictionaries(
    {"amount": AMOUNTS, "tax_rate": st.sampled_from(TAX_RATES)},
    optional={"code": st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True)},
)
ORDER_PARTS = st.fixed_dictionaries(
    {
        "currency": st.sampled_from(["EUR", "JPY"]),
        "prices_include_tax": st.booleans(),
        "lines": st.lists(PRODUCT_LINES, min_size=1, max_size=4),
        "discounts": st.lists(DISCOUNTS, max_size=2),
        "shipping": st.none()
        | st.fixed_dictionaries({"amount": AMOUNTS, "tax_rate": st.sampled_from(TAX_RATES)}),
    }
)
