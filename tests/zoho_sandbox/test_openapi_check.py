"""The OpenAPI body check: violations refused and counted, quirks relaxed, schema sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.sandbox_client import BooksClient, Response
from tests.zoho_sandbox.books_helpers import contact
from zoho_sandbox import InvoiceCustomField, SandboxConfig
from zoho_sandbox.app import build_app
from zoho_sandbox.custom_fields import field_id
from zoho_sandbox.keys import COUNTERS
from zoho_sandbox.openapi_check import OPENAPI_ON, SOURCE, OpenApiMissingError, describe
from zoho_sandbox.request_schemas import SHIPPED

ABSENT = Path("/nonexistent/zoho-books-openapi")
NO_FILE = Path("/nonexistent/zoho_request_schemas.json")


def violations(books: BooksClient) -> int:
    return books.raw.sandbox.app[COUNTERS]["openapi_violations"]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """An organization with one invoice custom field (Z-OAS sets fields by id)."""
    return SandboxConfig(invoice_custom_fields=(InvoiceCustomField(api_name="cf_channel"),))


@pytest.fixture
async def customer(books: BooksClient) -> str:
    return str((await contact(books, "Ada Lovelace"))["contact_id"])


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"payment_terms": "Net 15"}, "payment_terms", 2),
        ({"customer_id": 12345}, "customer_id", 2),
        ({"line_items": [{"name": "A", "rate": "cheap"}]}, "rate", 2),
        ({"line_items": "A"}, "line_items", 2),
        ({"customer_id": None}, "customer_id", 2),
    ],
)
async def test_a_malformed_invoice_is_refused_and_counted(
    books: BooksClient, customer: str, change: dict[str, Any], field: str, code: int
) -> None:
    body = {"customer_id": customer, "line_items": [{"name": "A", "rate": 1}], **change}
    resp = await books.call("POST", "/invoices", json=body)
    assert (resp.status, resp.code) == (400, code)
    assert resp.body["message"] == f"Invalid value passed for {field}"
    assert violations(books) == 1
    assert (await books.call("GET", "/invoices")).body["invoices"] == []


async def test_a_missing_required_field_is_named(books: BooksClient) -> None:
    resp = await books.call("POST", "/invoices", json={"customer_id": "1"})
    assert (resp.status, resp.code) == (400, 4)
    assert resp.body["message"] == "Invalid value passed for line_items"
    assert violations(books) == 1


async def _post_form(books: BooksClient, form: dict[str, str]) -> Response:
    return await books.raw.request(
        "POST",
        "/books/v3/contacts",
        params={"organization_id": books.organization_id},
        data=form,
        headers={"Authorization": f"Zoho-oauthtoken {books.access_token}"},
    )


async def test_a_body_that_is_not_json_is_refused_and_counted(books: BooksClient) -> None:
    resp = await _post_form(books, {"not": "json"})
    assert (resp.status, resp.code) == (400, 4)
    assert resp.body["message"] == "Invalid value passed for JSONString"
    assert violations(books) == 1


async def test_the_old_jsonstring_form_is_read(books: BooksClient) -> None:
    resp = await _post_form(books, {"JSONString": '{"contact_name": "Form Co"}'})
    assert resp.status == 201, resp.body
    assert violations(books) == 0


async def test_the_quirks_are_relaxed(books: BooksClient, customer: str) -> None:
    channel = field_id(books.organization_id, "cf_channel")
    body = {
        "customer_id": customer,
        "line_items": [{"name": "No item id", "rate": 10, "discount": "10%"}],
        "shipping_charge": 4.95,
        "custom_fields": [{"customfield_id": channel, "value": 3}],
    }
    created = await books.call("POST", "/invoices", json=body)
    assert created.status == 201, created.body
    inv = created.body["invoice"]
    update = {
        "customer_id": customer,
        "line_items": [{"line_item_id": inv["line_items"][0]["line_item_id"], "rate": 12}],
    }
    resp = await books.call("PUT", f"/invoices/{inv['invoice_id']}", json=update)
    assert resp.status == 200, resp.body
    named = {"contact_name": "Ada Lovelace", "billing_address": {"zip": 20100}}
    resp = await books.call("PUT", f"/contacts/{customer}", json=named)
    assert resp.status == 200, resp.body
    extra = {"contact_name": "Regional", "vat_reg_no": "IT123", "billing_address": {"zip": 20100}}
    assert (await books.call("POST", "/contacts", json=extra)).status == 201
    assert violations(books) == 0


async def test_a_contact_update_without_its_name_is_refused(
    books: BooksClient, customer: str
) -> None:
    unnamed = {"billing_address": {"city": "London"}}
    resp = await books.call("PUT", f"/contacts/{customer}", json=unnamed)
    assert (resp.status, resp.code) == (400, 4)
    assert resp.body["message"] == "Invalid value passed for contact_name"
    assert violations(books) == 1
    fetched = await books.call("GET", f"/contacts/{customer}")
    assert fetched.body["contact"]["billing_address"].get("city") != "London"


async def test_the_control_api_shows_the_check(books: BooksClient) -> None:
    state = await books.raw.control("GET", "/state")
    shown = state.body["openapi_validation"]
    assert shown["enabled"] is True
    assert shown["source"]
    assert "invoices.create" in shown["request_classes"]


def test_by_default_the_shipped_schemas_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZBSYNC_ZOHO_OPENAPI_DIR", raising=False)
    app = build_app(SandboxConfig(require_openapi=True))
    assert (app[OPENAPI_ON], app[SOURCE]) == (True, str(SHIPPED))
    assert str(SHIPPED) in describe(app)


def test_a_missing_openapi_folder_falls_back_to_the_shipped_schemas() -> None:
    app = build_app(SandboxConfig(openapi_dir=ABSENT, require_openapi=True))
    assert (app[OPENAPI_ON], app[SOURCE]) == (True, str(SHIPPED))


def test_without_any_schemas_validation_is_off() -> None:
    config = SandboxConfig(openapi_dir=ABSENT, request_schemas_file=NO_FILE, require_openapi=False)
    app = build_app(config)
    assert app[OPENAPI_ON] is False
    assert "NOT validated" in describe(app)


def test_without_any_schemas_a_required_check_fails_start_up() -> None:
    config = SandboxConfig(openapi_dir=ABSENT, request_schemas_file=NO_FILE, require_openapi=True)
    with pytest.raises(OpenApiMissingError, match="nonexistent"):
        build_app(config)


@pytest.mark.parametrize(
    "sandbox_config",
    [SandboxConfig(openapi_dir=ABSENT, request_schemas_file=NO_FILE, require_openapi=False)],
)
async def test_when_off_the_handler_still_judges_the_body(books: BooksClient) -> None:
    customer = (await contact(books, "Ada Lovelace"))["contact_id"]
    body = {"customer_id": customer, "line_items": [{"name": "A", "rate": 1}], "payment_terms": "x"}
    resp = await books.call("POST", "/invoices", json=body)
    assert resp.status == 400
    assert violations(books) == 0
