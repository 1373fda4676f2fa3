"""The typed Books endpoints against the sandbox, over real HTTP."""

from __future__ import annotations

from decimal import Decimal

import aiohttp
import pytest

from worker.domain.lanes import Lane
from worker.zoho.books import ZohoBooks
from worker.zoho.errors import DuplicateName, ZohoNotFound
from worker.zoho.models import Tax
from zoho_sandbox import RunningSandbox

LIVE = Lane.LIVE


def _contact(name: str, email: str, currency_id: str) -> dict[str, object]:
    return {
        "contact_name": name,
        "contact_type": "customer",
        "currency_id": currency_id,
        "contact_persons": [{"first_name": name, "email": email, "is_primary_contact": True}],
    }


async def _eur_and_vat22(books: ZohoBooks) -> tuple[str, Tax]:
    eur = next(c for c in await books.currencies(LIVE) if c.currency_code == "EUR")
    vat = next(t for t in await books.taxes(LIVE) if t.tax_name == "IVA 22%")
    return eur.currency_id, vat


async def test_organizations_taxes_and_currencies_are_typed(books: ZohoBooks) -> None:
    orgs = await books.organizations()
    org = await books.organization()
    taxes = await books.taxes(LIVE)
    currencies = await books.currencies(LIVE)

    assert [o.organization_id for o in orgs] == [books.organization_id]
    assert org.currency_code == "EUR"
    vat = next(t for t in taxes if t.tax_name == "IVA 22%")
    assert vat.tax_percentage == Decimal(22)
    assert vat.is_default_tax
    assert vat.is_active
    assert any(not t.is_active for t in taxes)
    assert any(t.tax_type == "tax_group" for t in taxes)
    assert {c.currency_code: c.price_precision for c in currencies}["JPY"] == 0


async def test_contacts_are_created_found_by_email_and_name_and_updated(books: ZohoBooks) -> None:
    eur, _ = await _eur_and_vat22(books)
    created = await books.create_contact(_contact("Ada Lovelace", "Ada@Example.com", eur), LIVE)

    by_email = await books.contacts_by_email("ada@example.COM", LIVE)
    by_name = await books.contacts_by_name("Ada Lovelace", LIVE)
    updated = await books.update_contact(created, {"billing_address": {"city": "London"}}, LIVE)

    assert [c.contact_id for c in by_email] == [created.contact_id]
    assert [c.contact_id for c in by_name] == [created.contact_id]
    assert await books.contacts_by_name("Ada", LIVE) == []
    assert updated.billing_address is not None
    assert updated.billing_address.city == "London"
    assert updated.contact_name == "Ada Lovelace"
    with pytest.raises(ValueError, match="never renames"):
        await books.update_contact(created, {"contact_name": "Augusta Ada King"}, LIVE)
    fetched = await books.contact(created.contact_id, LIVE)
    assert fetched.primary_email() == "Ada@Example.com"
    assert fetched.currency_id == eur


async def test_a_taken_display_name_is_duplicate_name(books: ZohoBooks) -> None:
    eur, _ = await _eur_and_vat22(books)
    await books.create_contact(_contact("Grace Hopper", "grace@example.com", eur), LIVE)

    with pytest.raises(DuplicateName) as caught:
        await books.create_contact(_contact("Grace Hopper", "other@example.com", eur), LIVE)

    assert caught.value.code == 3062


async def test_an_invoice_lives_its_life_through_the_client(books: ZohoBooks) -> None:
    eur, vat = await _eur_and_vat22(books)
    customer = await books.create_contact(_contact("Alan Turing", "alan@example.com", eur), LIVE)
    payload = {
        "customer_id": customer.contact_id,
        "reference_number": "ORD-1001",
        "currency_id": eur,
        "line_items": [
            {"name": "Teapot", "rate": Decimal("54.55"), "quantity": 1, "tax_id": vat.tax_id},
            {
                "name": "Discount WELCOME",
                "rate": Decimal("-5.00"),
                "quantity": 1,
                "tax_id": vat.tax_id,
            },
        ],
    }

    created = await books.create_invoice(payload, LIVE)
    found = await books.invoices_by_reference("ORD-1001", LIVE)
    assert await books.invoices_by_reference("ORD-100", LIVE) == []
    updated = await books.update_invoice(
        created.invoice_id, {**payload, "line_items": payload["line_items"][:1]}, LIVE
    )
    await books.set_invoice_status(created.invoice_id, "sent", LIVE)
    sent = await books.invoice(created.invoice_id, LIVE)

    assert created.is_draft
    assert created.total == Decimal("60.45")  # (54.55 - 5.00) * 1.22
    assert [i.invoice_id for i in found] == [created.invoice_id]
    assert updated.total == Decimal("66.55")
    assert len(updated.line_items) == 1
    assert sent.status == "sent"
    assert sent.invoice_number == created.invoice_number


async def test_deleting_twice_says_not_found(books: ZohoBooks) -> None:
    eur, vat = await _eur_and_vat22(books)
    customer = await books.create_contact(_contact("Edsger Dijkstra", "ewd@example.com", eur), LIVE)
    invoice = await books.create_invoice(
        {
            "customer_id": customer.contact_id,
            "line_items": [{"name": "Book", "rate": 10, "quantity": 1, "tax_id": vat.tax_id}],
        },
        LIVE,
    )

    await books.delete_invoice(invoice.invoice_id, LIVE)

    with pytest.raises(ZohoNotFound) as caught:
        await books.delete_invoice(invoice.invoice_id, LIVE)
    assert caught.value.code == 1002
    with pytest.raises(ZohoNotFound):
        await books.invoice(invoice.invoice_id, LIVE)


async def test_a_lookup_by_reference_asks_for_every_status(
    books: ZohoBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    await books.invoices_by_reference("ORD-1001", LIVE)

    async with http.get(
        f"{sandbox.origin}/_sandbox/calls", params={"request_class": "invoices.list"}
    ) as resp:
        calls = (await resp.json())["calls"]
    assert [call["query"]["filter_by"] for call in calls] == ["Status.All"]
    assert calls[0]["query"]["reference_number"] == "ORD-1001"
