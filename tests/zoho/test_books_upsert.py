"""The upsert by a unique custom field and the invoice custom fields, through the client."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from tests.support.zoho_fixtures import add_fault
from worker.domain.lanes import Lane
from worker.zoho.books import ZohoBooks
from worker.zoho.errors import OutcomeUnknown
from zoho_sandbox import InvoiceCustomField, RunningSandbox, SandboxConfig

LIVE = Lane.LIVE
FIELD = "cf_order_ref"


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """An organization with a unique invoice field and a plain one."""
    return SandboxConfig(
        invoice_custom_fields=(
            InvoiceCustomField(api_name=FIELD, unique=True),
            InvoiceCustomField(api_name="cf_channel"),
        )
    )


async def _payload(books: ZohoBooks) -> dict[str, Any]:
    eur = next(c for c in await books.currencies(LIVE) if c.currency_code == "EUR")
    contact = await books.create_contact(
        {"contact_name": "Grace Hopper", "currency_id": eur.currency_id}, LIVE
    )
    return {
        "customer_id": contact.contact_id,
        "reference_number": "ORD-1001",
        "line_items": [{"name": "Compiler", "rate": Decimal(100), "quantity": 1}],
        "custom_fields": [{"api_name": "cf_channel", "value": "web"}],
    }


async def test_the_invoice_custom_fields_are_typed(books: ZohoBooks) -> None:
    fields = {field.api_name: field for field in await books.invoice_custom_fields(LIVE)}
    assert (fields[FIELD].is_unique, fields["cf_channel"].is_unique) == (True, False)
    assert all(field.is_active and field.customfield_id for field in fields.values())


async def test_an_upsert_creates_once_then_updates_that_invoice(books: ZohoBooks) -> None:
    payload = await _payload(books)

    created = await books.upsert_invoice(payload, FIELD, "ORD-1001", LIVE)
    changed = {**payload, "line_items": [{"name": "Compiler", "rate": 120, "quantity": 1}]}
    updated = await books.upsert_invoice(changed, FIELD, "ORD-1001", LIVE)

    assert created.is_draft
    assert updated.invoice_id == created.invoice_id
    assert updated.total == Decimal(120)
    assert [i.invoice_id for i in await books.invoices_by_reference("ORD-1001", LIVE)] == [
        created.invoice_id
    ]


async def test_a_lost_upsert_answer_is_not_retried_here(
    books: ZohoBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    payload = await _payload(books)
    await add_fault(http, sandbox, "invoices.upsert", "applied_then_500", times=None)

    with pytest.raises(OutcomeUnknown):
        await books.upsert_invoice(payload, FIELD, "ORD-1001", LIVE)

    async with http.get(
        f"{sandbox.origin}/_sandbox/calls", params={"request_class": "invoices.upsert"}
    ) as resp:
        calls = (await resp.json())["calls"]
    assert len(calls) == 1  # the step marks the intent unknown; the next pass upserts again
    body_fields = calls[0]["body"]["custom_fields"]
    assert body_fields == [
        {"api_name": "cf_channel", "value": "web"},
        {"api_name": FIELD, "value": "ORD-1001"},
    ]
