"""Invoice custom fields, unique values and the upsert ``PUT /invoices`` over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.sandbox_client import BooksClient, Response, SandboxClient
from tests.zoho_sandbox.books_helpers import contact, invoice
from zoho_sandbox import InvoiceCustomField, SandboxConfig

UNIQUE = "cf_order_ref"
PLAIN = "cf_note"
LINES = [{"name": "Lamp", "rate": 10, "quantity": 1}]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """An organization with a unique invoice field and a plain one."""
    return SandboxConfig(
        invoice_custom_fields=(
            InvoiceCustomField(api_name=UNIQUE, label="Order reference", unique=True),
            InvoiceCustomField(api_name=PLAIN),
        )
    )


@pytest.fixture
async def customer(books: BooksClient) -> str:
    """A EUR customer's id."""
    return str((await contact(books, "Ada Lovelace", "ada@example.com"))["contact_id"])


def _keyed(value: str, *, upsert: bool = True) -> dict[str, str]:
    headers = {"X-Unique-Identifier-Key": UNIQUE, "X-Unique-Identifier-Value": value}
    return headers | ({"X-Upsert": "true"} if upsert else {})


async def _upsert(
    books: BooksClient, customer: str, headers: dict[str, str], **extra: Any
) -> Response:
    body = {"customer_id": customer, "line_items": LINES, **extra}
    return await books.call("PUT", "/invoices", json=body, headers=headers)


async def _invoices(client: SandboxClient) -> list[dict[str, Any]]:
    state = (await client.control("GET", "/state")).body
    return list(next(iter(state["books"].values()))["invoices"])


def _value(inv: dict[str, Any], api_name: str = UNIQUE) -> str | None:
    return next((cf["value"] for cf in inv["custom_fields"] if cf["api_name"] == api_name), None)


async def test_invoices_carry_custom_fields_by_api_name_or_id(
    books: BooksClient, customer: str
) -> None:
    fields = (await books.call("GET", "/settings/fields", params={"entity": "invoice"})).body
    note_id = next(f["customfield_id"] for f in fields["customfields"] if f["api_name"] == PLAIN)
    entries = [{"api_name": UNIQUE, "value": "ORD-1"}, {"customfield_id": note_id, "value": 7}]
    created = await invoice(books, customer, LINES, custom_fields=entries)
    assert created.status == 201, created.body
    inv = created.body["invoice"]
    assert (_value(inv), _value(inv, PLAIN)) == ("ORD-1", "7")
    assert next(cf for cf in inv["custom_fields"] if cf["api_name"] == UNIQUE)["label"] == (
        "Order reference"
    )


async def test_an_unknown_custom_field_is_refused(books: BooksClient, customer: str) -> None:
    resp = await invoice(books, customer, LINES, custom_fields=[{"api_name": "cf_x", "value": 1}])
    assert (resp.status, resp.code, resp.body["message"]) == (
        400,
        2,
        "Invalid value passed for custom_fields",
    )


async def test_a_value_taken_in_a_unique_field_is_refused(
    client: SandboxClient, books: BooksClient, customer: str
) -> None:
    taken = [{"api_name": UNIQUE, "value": "A"}]
    first = await invoice(books, customer, LINES, custom_fields=taken)
    assert first.status == 201, first.body
    again = [{"api_name": UNIQUE, "value": " a "}]  # compared ignoring case and blanks
    refused = await invoice(books, customer, LINES, custom_fields=again)
    assert (refused.status, refused.code) == (400, 1001)
    assert "already exists for Order reference" in refused.body["message"]
    plain = [{"api_name": PLAIN, "value": "A"}]
    assert (await invoice(books, customer, LINES, custom_fields=plain)).status == 201
    assert (await invoice(books, customer, LINES, custom_fields=plain)).status == 201
    assert len(await _invoices(client)) == 3


async def test_the_settings_list_the_invoice_fields(books: BooksClient) -> None:
    resp = await books.call("GET", "/settings/fields", params={"entity": "invoice"})
    assert resp.status == 200, resp.body
    rows = {row["api_name"]: row for row in resp.body["customfields"]}
    assert (rows[UNIQUE]["is_unique"], rows[PLAIN]["is_unique"]) == (True, False)
    assert rows[PLAIN]["label"] == "Note"
    assert all(isinstance(row["customfield_id"], str) for row in rows.values())
    other = await books.call("GET", "/settings/fields", params={"entity": "contact"})
    assert other.body["customfields"] == []
    missing = await books.call("GET", "/settings/fields")
    assert (missing.status, missing.code) == (400, 4)


async def test_the_fields_need_the_settings_scope(client: SandboxClient) -> None:
    invoices_only = await client.connect("ZohoBooks.invoices.ALL")
    resp = await invoices_only.call("GET", "/settings/fields", params={"entity": "invoice"})
    assert (resp.status, resp.code) == (401, 57)


async def test_upsert_creates_once_then_updates_the_same_invoice(
    client: SandboxClient, books: BooksClient, customer: str
) -> None:
    created = await _upsert(books, customer, _keyed("ORD-7"), reference_number="ORD-7")
    assert (created.status, created.body["message"]) == (200, "The invoice has been created.")
    assert _value(created.body["invoice"]) == "ORD-7"  # from the header: the body had none
    again = await _upsert(books, customer, _keyed("ORD-7"), notes="second")
    assert (again.status, again.body["message"]) == (200, "Invoice information has been updated.")
    assert again.body["invoice"]["invoice_id"] == created.body["invoice"]["invoice_id"]
    [stored] = await _invoices(client)
    assert (stored["notes"], stored["invoice_number"]) == ("second", "INV-000001")


async def test_without_x_upsert_an_unknown_value_does_not_exist(
    client: SandboxClient, books: BooksClient, customer: str
) -> None:
    resp = await _upsert(books, customer, _keyed("ORD-8", upsert=False))
    assert (resp.status, resp.code, resp.body["message"]) == (404, 1002, "Invoice does not exist.")
    assert await _invoices(client) == []


async def test_the_header_value_wins_over_the_body(books: BooksClient, customer: str) -> None:
    body_value = [{"api_name": UNIQUE, "value": "other"}]
    resp = await _upsert(books, customer, _keyed("ORD-9"), custom_fields=body_value)
    assert _value(resp.body["invoice"]) == "ORD-9"


@pytest.mark.parametrize(
    ("headers", "code", "field"),
    [
        ({"X-Unique-Identifier-Value": "v", "X-Upsert": "true"}, 4, "X-Unique-Identifier-Key"),
        ({"X-Unique-Identifier-Key": UNIQUE, "X-Upsert": "true"}, 4, "X-Unique-Identifier-Value"),
        (_keyed("v") | {"X-Unique-Identifier-Key": PLAIN}, 2, "X-Unique-Identifier-Key"),
        (_keyed("v") | {"X-Unique-Identifier-Key": "cf_nope"}, 2, "X-Unique-Identifier-Key"),
        (_keyed("v") | {"X-Upsert": "yes"}, 2, "X-Upsert"),
    ],
)
async def test_bad_upsert_headers_are_refused(
    books: BooksClient, customer: str, headers: dict[str, str], code: int, field: str
) -> None:
    resp = await _upsert(books, customer, headers)
    assert (resp.status, resp.code, resp.body["message"]) == (
        400,
        code,
        f"Invalid value passed for {field}",
    )


async def test_upsert_bodies_are_checked_against_the_request_schema(
    client: SandboxClient, books: BooksClient
) -> None:
    resp = await books.call(
        "PUT", "/invoices", json={"line_items": LINES}, headers=_keyed("ORD-10")
    )
    assert (resp.status, resp.code, resp.body["message"]) == (
        400,
        4,
        "Invalid value passed for customer_id",
    )
    state = (await client.control("GET", "/state")).body
    assert state["openapi_validation"]["violations"] == 1
    assert "invoices.upsert" in state["openapi_validation"]["request_classes"]


async def test_faults_apply_to_the_upsert_and_the_log_keeps_its_headers(
    client: SandboxClient, books: BooksClient, customer: str
) -> None:
    rule = {"request_class": "invoices.upsert", "mode": "applied_then_500", "times": 1}
    assert (await client.control("POST", "/faults", rule)).status == 201
    lost = await _upsert(books, customer, _keyed("ORD-11"))
    assert (lost.status, lost.code) == (500, 1000)
    retried = await _upsert(books, customer, _keyed("ORD-11"))
    assert retried.body["message"] == "Invoice information has been updated."
    assert len(await _invoices(client)) == 1
    log = await client.request("GET", "/_sandbox/calls", params={"request_class": "invoices.*"})
    first = log.body["calls"][0]
    assert (first["request_class"], first["fault"]) == ("invoices.upsert", "applied_then_500")
    assert first["headers"] == _keyed("ORD-11")
    assert first["body"]["customer_id"] == customer


async def test_the_fields_can_change_at_run_time(client: SandboxClient, books: BooksClient) -> None:
    fields = [{"api_name": "cf_shop_order", "unique": True}]
    patched = await client.control("PATCH", "/config", {"invoice_custom_fields": fields})
    assert patched.status == 200, patched.body
    resp = await books.call("GET", "/settings/fields", params={"entity": "invoice"})
    assert [row["api_name"] for row in resp.body["customfields"]] == ["cf_shop_order"]
    twice = fields + fields
    refused = await client.control("PATCH", "/config", {"invoice_custom_fields": twice})
    assert refused.status == 400
