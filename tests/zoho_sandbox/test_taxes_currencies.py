"""Organizations, taxes and currencies as the seeded sandbox lists them."""

from __future__ import annotations

from decimal import Decimal

from tests.support.sandbox_client import BooksClient
from tests.zoho_sandbox.books_helpers import tax_id


async def test_organizations_list_needs_no_organization_id(books: BooksClient) -> None:
    resp = await books.call("GET", "/organizations", with_org=False)
    assert resp.status == 200, resp.body
    (org,) = resp.body["organizations"]
    assert org["organization_id"] == books.organization_id
    assert (org["currency_code"], org["price_precision"], org["plan_name"]) == ("EUR", 2, "FREE")
    for field in ("plan_type", "tax_group_enabled", "currency_id", "time_zone", "is_org_active"):
        assert field in org


async def test_get_organization(books: BooksClient) -> None:
    resp = await books.call("GET", f"/organizations/{books.organization_id}")
    assert resp.status == 200, resp.body
    assert resp.body["organization"]["organization_id"] == books.organization_id


async def test_taxes_include_groups_inactive_rows_and_ties(books: BooksClient) -> None:
    resp = await books.call("GET", "/settings/taxes")
    assert resp.status == 200
    taxes = resp.body["taxes"]
    assert all(isinstance(t["tax_id"], str) for t in taxes)
    (default,) = [t for t in taxes if t["is_default_tax"]]
    assert (default["tax_name"], default["tax_percentage"]) == ("IVA 22%", 22)
    (group,) = [t for t in taxes if t["tax_type"] == "tax_group"]
    assert group["tax_percentage"] == 5
    assert any(t["is_inactive"] and t["status"] != "Active" for t in taxes)
    active_tens = [t for t in taxes if t["tax_percentage"] == 10 and not t["is_inactive"]]
    assert len(active_tens) == 2
    assert "taxes" not in group  # member ids are not part of the list row


async def test_taxes_paginate(books: BooksClient) -> None:
    first = await books.call("GET", "/settings/taxes", params={"per_page": "3"})
    assert len(first.body["taxes"]) == 3
    assert first.body["page_context"]["has_more_page"] is True


async def test_added_and_deactivated_taxes(books: BooksClient) -> None:
    added = await books.raw.control(
        "POST", "/books/taxes", {"tax_name": "VAT 19%", "tax_percentage": "19"}
    )
    assert added.status == 201
    vat19 = await tax_id(books, "VAT 19%")
    assert (await books.raw.control("POST", f"/books/taxes/{vat19}/inactive")).status == 200
    resp = await books.call("GET", "/settings/taxes")
    (row,) = [t for t in resp.body["taxes"] if t["tax_id"] == vat19]
    assert row["is_inactive"] is True


async def test_currencies(books: BooksClient) -> None:
    resp = await books.call("GET", "/settings/currencies")
    assert resp.status == 200
    by_code = {c["currency_code"]: c for c in resp.body["currencies"]}
    assert set(by_code) == {"EUR", "USD", "GBP", "CHF", "JPY"}
    assert by_code["JPY"]["price_precision"] == 0
    assert by_code["EUR"]["is_base_currency"] is True
    assert by_code["EUR"]["exchange_rate"] == Decimal(1)
    assert all(isinstance(c["currency_id"], str) for c in by_code.values())
    assert "is_enabled" not in by_code["EUR"]


async def test_disabled_and_added_currencies(books: BooksClient) -> None:
    gbp = next(
        c["currency_id"]
        for c in (await books.call("GET", "/settings/currencies")).body["currencies"]
        if c["currency_code"] == "GBP"
    )
    await books.raw.control("POST", f"/books/currencies/{gbp}/disable")
    added = await books.raw.control("POST", "/books/currencies", {"currency_code": "SEK"})
    assert added.status == 201
    resp = await books.call("GET", "/settings/currencies")
    codes = {c["currency_code"] for c in resp.body["currencies"]}
    assert "GBP" not in codes
    assert "SEK" in codes
