"""The books a fresh sandbox starts with: one organization, its currencies and taxes.

The taxes are those of an Italian shop, chosen to exercise the tax lookup:
IVA 22 % (the default), 10 %, 5 %, 4 %, an exempt 0 %, an inactive rate, two
taxes sharing 10 % (so ties must be broken), and a tax group of two taxes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .clock import SandboxClock
from .config import SandboxConfig
from .envelope import zoho_time
from .store import BooksStore, JsonObject, OrgBooks

# code, name, symbol, precision, format, exchange rate to EUR
CURRENCIES = (
    ("EUR", "EUR- Euro", "€", 2, "1.234.567,89", "1"),
    ("USD", "USD- United States Dollar", "$", 2, "1,234,567.89", "0.92"),
    ("GBP", "GBP- Pound Sterling", "£", 2, "1,234,567.89", "1.17"),
    ("CHF", "CHF- Swiss Franc", "CHF", 2, "1'234'567.89", "1.04"),
    ("JPY", "JPY- Japanese Yen", "¥", 0, "1,234,567", "0.0061"),
)

# name, percentage, is_default, is_inactive
TAXES = (
    ("IVA 22%", "22", True, False),
    ("IVA 10%", "10", False, False),
    ("IVA 10% ristorazione", "10", False, False),
    ("IVA 5%", "5", False, False),
    ("IVA 4%", "4", False, False),
    ("Esente art. 10", "0", False, False),
    ("IVA 21% (abolita)", "21", False, True),
)
TAX_GROUP = ("IVA 4% + contributo 1%", ("IVA 4%", "Contributo 1%"))


def seeded_store(config: SandboxConfig, clock: SandboxClock) -> BooksStore:
    """A store holding the configured organization with its currencies and taxes."""
    store = BooksStore()
    org_id = config.organization_id
    books = OrgBooks(organization={"organization_id": org_id})
    for row in CURRENCIES:
        currency = currency_row(store.new_id(org_id), row, is_base=row[0] == config.base_currency)
        books.currencies[currency["currency_id"]] = currency
    now = zoho_time(clock)
    for name, percentage, is_default, is_inactive in TAXES:
        add_tax(
            store,
            books,
            name,
            Decimal(percentage),
            now=now,
            is_default=is_default,
            is_inactive=is_inactive,
        )
    add_tax(store, books, "Contributo 1%", Decimal(1), now=now)
    add_tax_group(store, books, TAX_GROUP[0], TAX_GROUP[1], now=now)
    books.organization.update(organization(config, base_currency(books), clock))
    store.orgs[org_id] = books
    return store


def currency_row(
    currency_id: str, row: tuple[str, str, str, int, str, str], *, is_base: bool
) -> JsonObject:
    """A currency as ``GET /settings/currencies`` lists it (``row`` as in ``CURRENCIES``)."""
    code, name, symbol, precision, fmt, rate = row
    return {
        "currency_id": currency_id,
        "currency_code": code,
        "currency_name": name,
        "currency_symbol": symbol,
        "price_precision": precision,
        "currency_format": fmt,
        "is_base_currency": is_base,
        "exchange_rate": Decimal(1) if is_base else Decimal(rate),
        "effective_date": "2026-01-01",
        "is_enabled": True,
    }


def base_currency(books: OrgBooks) -> JsonObject:
    """The organization's base currency."""
    return next(c for c in books.currencies.values() if c["is_base_currency"])


def add_tax(
    store: BooksStore,
    books: OrgBooks,
    name: str,
    percentage: Decimal,
    *,
    now: str,
    is_default: bool = False,
    is_inactive: bool = False,
) -> JsonObject:
    """Add a single tax as ``GET /settings/taxes`` lists it, and return it."""
    tax_id = store.new_id(books.organization_id)
    tax: JsonObject = {
        "tax_id": tax_id,
        "tax_name": name,
        "tax_percentage": percentage,
        "tax_type": "tax",
        "tax_factor": "rate",
        "tax_specific_type": "",
        "tax_authority_id": "",
        "tax_authority_name": "",
        "is_value_added": True,
        "is_default_tax": is_default,
        "is_editable": True,
        "is_inactive": is_inactive,
        "status": "inactive" if is_inactive else "Active",
        "last_modified_time": now,
    }
    books.taxes[tax_id] = tax
    return tax


def add_tax_group(
    store: BooksStore, books: OrgBooks, name: str, member_names: tuple[str, ...], *, now: str
) -> JsonObject:
    """Add a tax group of existing taxes (listed with ``tax_type`` "tax_group")."""
    members = [t for t in books.taxes.values() if t["tax_name"] in member_names]
    percentage = sum((t["tax_percentage"] for t in members), Decimal(0))
    group = add_tax(store, books, name, percentage, now=now)
    group.update(tax_type="tax_group", is_value_added=False)
    group["taxes"] = [t["tax_id"] for t in members]
    return group


def organization(config: SandboxConfig, currency: JsonObject, clock: SandboxClock) -> JsonObject:
    """The organization as ``GET /organizations/{organization_id}`` returns it."""
    plan = config.plan_name.upper()
    org: dict[str, Any] = {
        "organization_id": config.organization_id,
        "name": config.organization_name,
        "contact_name": "Ufficio Amministrazione",
        "email": "amministrazione@sandbox-shop.example",
        "is_default_org": True,
        "language_code": "it",
        "fiscal_year_start_month": 0,
        "account_created_date": clock.wall().date().isoformat(),
        "time_zone": config.time_zone,
        "is_org_active": True,
        "currency_id": currency["currency_id"],
        "currency_code": currency["currency_code"],
        "currency_symbol": currency["currency_symbol"],
        "currency_format": currency["currency_format"],
        "price_precision": currency["price_precision"],
        "plan_type": 0 if plan == "FREE" else 1,
        "plan_name": plan,
        "plan_period": "",
        "tax_group_enabled": True,
    }
    return org
