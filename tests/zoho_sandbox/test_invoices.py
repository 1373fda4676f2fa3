"""Invoices over real HTTP: totals, numbering, rules, updates, deletion, status, the list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.support.sandbox_client import BooksClient
from tests.zoho_sandbox.books_helpers import add_tax, contact, currency_id, invoice, tax_id
from zoho_sandbox.keys import CLOCK, CONFIG


@pytest.fixture
async def customer(books: BooksClient) -> str:
    """A EUR customer's id."""
    return str((await contact(books, "Ada Lovelace", "ada@example.com"))["contact_id"])


async def test_create_answers_the_full_draft_invoice(books: BooksClient, customer: str) -> None:
    vat19 = await add_tax(books, "VAT 19%", "19")
    lines = [
        {"name": "T-shirt", "rate": 19.99, "quantity": 2, "tax_id": vat19},
        {"name": "Shipping", "rate": 4.95, "quantity": 1, "tax_id": vat19},
    ]
    resp = await invoice(books, customer, lines, reference_number="order #100234")
    assert resp.status == 201, resp.body
    assert resp.body["message"] == "The invoice has been created."
    inv = resp.body["invoice"]
    assert (inv["status"], inv["invoice_number"], inv["currency_code"]) == (
        "draft",
        "INV-000001",
        "EUR",
    )
    assert isinstance(inv["invoice_id"], str)
    assert all(isinstance(line["line_item_id"], str) for line in inv["line_items"])
    assert [line["item_total"] for line in inv["line_items"]] == [Decimal("39.98"), Decimal("4.95")]
    assert (inv["sub_total"], inv["tax_total"], inv["total"], inv["balance"]) == (
        Decimal("44.93"),
        Decimal("8.54"),
        Decimal("53.47"),
        Decimal("53.47"),
    )
    assert inv["taxes"] == [{"tax_name": "VAT 19%", "tax_amount": Decimal("8.54")}]
    assert inv["customer_name"] == "Ada Lovelace"


async def test_rates_are_rounded_before_tax(books: BooksClient, customer: str) -> None:
    vat10 = await tax_id(books, "IVA 10%")
    resp = await invoice(books, customer, [{"name": "X", "rate": 54.54545, "tax_id": vat10}])
    inv = resp.body["invoice"]
    assert inv["line_items"][0]["rate"] == Decimal("54.55")
    assert (inv["tax_total"], inv["total"]) == (Decimal("5.46"), Decimal("60.01"))


async def test_inclusive_tax_negative_lines_and_adjustment(
    books: BooksClient, customer: str
) -> None:
    iva22 = await tax_id(books, "IVA 22%")
    lines = [
        {"name": "Lamp", "rate": 122, "tax_id": iva22},
        {"name": "Coupon SPRING", "rate": -12.2, "tax_id": iva22},
    ]
    resp = await invoice(
        books, customer, lines, is_inclusive_tax=True, adjustment=-0.01, shipping_charge="5"
    )
    inv = resp.body["invoice"]
    assert resp.status == 201, resp.body
    assert (inv["sub_total"], inv["tax_total"]) == (Decimal("109.80"), Decimal("19.80"))
    assert inv["total"] == Decimal("114.79")


async def test_tax_groups_apply_their_members(books: BooksClient, customer: str) -> None:
    group = await tax_id(books, "IVA 4% + contributo 1%")
    resp = await invoice(books, customer, [{"name": "Book", "rate": 100, "tax_id": group}])
    inv = resp.body["invoice"]
    assert inv["line_items"][0]["tax_type"] == "tax_group"
    assert [t["tax_amount"] for t in inv["taxes"]] == [Decimal(4), Decimal(1)]
    assert inv["total"] == Decimal(105)


@pytest.mark.parametrize("name", ["IVA 21% (abolita)", None])
async def test_inactive_or_unknown_taxes_are_refused(
    books: BooksClient, customer: str, name: str | None
) -> None:
    taxed = await tax_id(books, name) if name else "123"
    resp = await invoice(books, customer, [{"name": "X", "rate": 1, "tax_id": taxed}])
    assert resp.status == 400
    assert "tax_id" in resp.body["message"]


async def test_numbering_and_unique_numbers(books: BooksClient, customer: str) -> None:
    lines = [{"name": "X", "rate": 1}]
    auto = await invoice(books, customer, lines, invoice_number="IGNORED-1")
    assert auto.body["invoice"]["invoice_number"] == "INV-000001"
    own = {"ignore_auto_number_generation": "true"}
    chosen = await invoice(books, customer, lines, own, invoice_number="SHOP-100")
    assert chosen.body["invoice"]["invoice_number"] == "SHOP-100"
    again = await invoice(books, customer, lines, own, invoice_number="shop-100")
    assert (again.status, again.code) == (400, 1001)
    taken = await invoice(books, customer, lines, own, invoice_number="INV-000002")
    assert taken.status == 201
    assert (await invoice(books, customer, lines)).body["invoice"]["invoice_number"] == "INV-000003"


async def test_send_makes_it_sent(books: BooksClient, customer: str) -> None:
    lines = [{"name": "X", "rate": 1}]
    by_query = await invoice(books, customer, lines, {"send": "true"})
    by_body = await invoice(books, customer, lines, send=True)
    assert by_query.body["invoice"]["status"] == by_body.body["invoice"]["status"] == "sent"


async def test_customer_must_exist(books: BooksClient) -> None:
    resp = await invoice(books, "999", [{"name": "X", "rate": 1}])
    assert resp.status == 400


async def test_currency_other_than_the_contacts_is_refused(
    books: BooksClient, customer: str
) -> None:
    usd = await currency_id(books, "USD")
    resp = await invoice(books, customer, [{"name": "X", "rate": 1}], currency_id=usd)
    expected = books.raw.sandbox.app[CONFIG].currency_mismatch_code
    assert (resp.status, resp.code) == (400, expected)


async def test_update_replaces_lines_and_recomputes(books: BooksClient, customer: str) -> None:
    iva22 = await tax_id(books, "IVA 22%")
    lines = [{"name": "A", "rate": 10, "tax_id": iva22}, {"name": "B", "rate": 20}]
    inv = (await invoice(books, customer, lines)).body["invoice"]
    kept = inv["line_items"][0]["line_item_id"]
    body = {
        "customer_id": customer,
        "line_items": [{"line_item_id": kept, "quantity": 3}, {"name": "C", "rate": 5}],
    }
    resp = await books.call("PUT", f"/invoices/{inv['invoice_id']}", json=body)
    assert resp.status == 200, resp.body
    assert resp.body["message"] == "Invoice information has been updated."
    updated = resp.body["invoice"]
    assert [line["name"] for line in updated["line_items"]] == ["A", "C"]
    assert updated["line_items"][0]["line_item_id"] == kept
    assert updated["line_items"][0]["tax_name"] == "IVA 22%"
    assert (updated["sub_total"], updated["total"]) == (Decimal(35), Decimal("41.60"))
    assert updated["invoice_number"] == inv["invoice_number"]


async def test_update_with_an_unknown_line_is_refused(books: BooksClient, customer: str) -> None:
    inv = (await invoice(books, customer, [{"name": "A", "rate": 1}])).body["invoice"]
    body = {"customer_id": customer, "line_items": [{"line_item_id": "42", "rate": 2}]}
    resp = await books.call("PUT", f"/invoices/{inv['invoice_id']}", json=body)
    assert resp.status == 400


async def test_delete_missing_paid_and_plain(books: BooksClient, customer: str) -> None:
    config = books.raw.sandbox.app[CONFIG]
    missing = await books.call("DELETE", "/invoices/404404")
    assert (missing.status, missing.code) == (config.invoice_not_found_status, 1002)
    assert missing.body["message"] == "Invoice does not exist."
    paid = (await invoice(books, customer, [{"name": "A", "rate": 10}], send=True)).body["invoice"]
    pay = await books.raw.control(
        "POST", f"/books/invoices/{paid['invoice_id']}/payments", {"amount": 4}
    )
    assert pay.body["invoice"]["status"] == "partially_paid"
    refused = await books.call("DELETE", f"/invoices/{paid['invoice_id']}")
    assert (refused.status, refused.code) == (400, config.delete_blocked_code)
    plain = (await invoice(books, customer, [{"name": "A", "rate": 1}])).body["invoice"]
    deleted = await books.call("DELETE", f"/invoices/{plain['invoice_id']}")
    assert deleted.body["message"] == "The invoice has been deleted."
    assert (await books.call("GET", f"/invoices/{plain['invoice_id']}")).code == 1002


async def test_status_transitions(books: BooksClient, customer: str) -> None:
    inv = (await invoice(books, customer, [{"name": "A", "rate": 1}])).body["invoice"]
    path = f"/invoices/{inv['invoice_id']}"

    async def mark(status: str) -> tuple[int, str]:
        resp = await books.call("POST", f"{path}/status/{status}")
        return resp.status, str(resp.body["message"])

    assert await mark("draft") == (200, "Status of invoice changed from void to draft.")
    assert await mark("sent") == (200, "Invoice status has been changed to Sent.")
    assert (await mark("draft"))[0] == 400
    assert await mark("void") == (200, "Invoice status has been changed to Void.")
    got = (await books.call("GET", path)).body["invoice"]
    assert (got["status"], got["balance"]) == ("void", 0)
    assert (await mark("sent"))[0] == 400
    edit = {"customer_id": customer, "line_items": [{"name": "B", "rate": 2}]}
    assert (await books.call("PUT", path, json=edit)).status == 400
    assert (await mark("draft"))[0] == 200
    assert (await books.call("GET", path)).body["invoice"]["balance"] == 1


async def _list(books: BooksClient, **params: str) -> list[dict[str, Any]]:
    resp = await books.call("GET", "/invoices", params=params)
    assert resp.status == 200, resp.body
    rows: list[dict[str, Any]] = resp.body["invoices"]
    return rows


async def test_list_rows_and_filters(books: BooksClient, customer: str) -> None:
    other = (await contact(books, "Alan Turing"))["contact_id"]
    lines = [{"name": "A", "rate": 1}]
    await invoice(books, customer, lines, reference_number="order #1", date="2026-03-01")
    await invoice(books, customer, lines, reference_number="order #2", date="2026-03-15")
    await invoice(books, other, lines, {"send": "true"}, reference_number="order #3")
    rows = await _list(books)
    assert len(rows) == 3
    assert "line_items" not in rows[0]
    assert [r["reference_number"] for r in await _list(books, reference_number="order #2")] == [
        "order #2"
    ]
    assert len(await _list(books, customer_id=customer)) == 2
    assert len(await _list(books, status="sent")) == 1
    assert len(await _list(books, invoice_number_startswith="INV-00000")) == 3
    assert len(await _list(books, invoice_number="INV-000002")) == 1
    assert len(await _list(books, date_start="2026-03-01", date_end="2026-03-10")) == 1
    assert len(await _list(books, date_after="2026-03-01", date_before="2026-03-16")) == 1
    assert len(await _list(books, search_text="turing")) == 1
    page = await books.call("GET", "/invoices", params={"per_page": "2"})
    assert page.body["page_context"]["has_more_page"] is True


async def test_list_lags_behind_changes(books: BooksClient, customer: str) -> None:
    app = books.raw.sandbox.app
    app[CONFIG].list_lag = 30
    created = await invoice(books, customer, [{"name": "A", "rate": 1}], reference_number="r1")
    inv = created.body["invoice"]
    assert await _list(books) == []
    app[CLOCK].advance(31)
    assert [r["reference_number"] for r in await _list(books)] == ["r1"]
    kept = [{"line_item_id": inv["line_items"][0]["line_item_id"]}]
    edit = {"customer_id": customer, "line_items": kept, "reference_number": "r2"}
    assert (await books.call("PUT", f"/invoices/{inv['invoice_id']}", json=edit)).status == 200
    assert [r["reference_number"] for r in await _list(books)] == ["r1"]
    assert (await books.call("GET", f"/invoices/{inv['invoice_id']}")).status == 200
    app[CLOCK].advance(31)
    assert [r["reference_number"] for r in await _list(books)] == ["r2"]
    await books.call("DELETE", f"/invoices/{inv['invoice_id']}")
    assert len(await _list(books)) == 1
    app[CLOCK].advance(31)
    assert await _list(books) == []


async def test_currency_precision_and_entity_discount(books: BooksClient) -> None:
    jpy = await currency_id(books, "JPY")
    yen = (await contact(books, "Taro Yamada", currency_id=jpy))["contact_id"]
    resp = await invoice(books, yen, [{"name": "Tea", "rate": 1234.5}])
    inv = resp.body["invoice"]
    assert (inv["currency_code"], inv["total"], inv["price_precision"]) == ("JPY", 1235, 0)
    iva22 = await tax_id(books, "IVA 22%")
    euro = (await contact(books, "Ada Lovelace"))["contact_id"]
    lines = [{"name": "Desk", "rate": 100, "tax_id": iva22}]
    resp = await invoice(books, euro, lines, discount="10%", discount_type="entity_level")
    inv = resp.body["invoice"]
    assert (inv["discount_total"], inv["tax_total"], inv["total"]) == (
        Decimal(10),
        Decimal("19.80"),
        Decimal("109.80"),
    )
