"""Contacts over real HTTP: uniqueness, the primary person, filters, updates, pagination."""

from __future__ import annotations

from tests.support.sandbox_client import BooksClient
from tests.zoho_sandbox.books_helpers import contact, currency_id, invoice
from zoho_sandbox.keys import CONFIG


async def test_create_puts_the_email_on_the_primary_person(books: BooksClient) -> None:
    resp = await books.call(
        "POST",
        "/contacts",
        json={"contact_name": "Ada Lovelace", "contact_persons": [{"email": "ada@example.com"}]},
    )
    assert resp.status == 201
    assert resp.body["message"] == "The contact has been created"
    created = resp.body["contact"]
    person = created["contact_persons"][0]
    assert isinstance(created["contact_id"], str)
    assert isinstance(person["contact_person_id"], str)
    assert person["is_primary_contact"] is True
    assert created["email"] == "ada@example.com"
    assert created["currency_code"] == "EUR"
    got = await books.call("GET", f"/contacts/{created['contact_id']}")
    assert got.status == 200
    assert got.body["contact"]["contact_name"] == "Ada Lovelace"


async def test_a_taken_name_is_refused_with_3062(books: BooksClient) -> None:
    await contact(books, "Grace Hopper")
    for name in ("Grace Hopper", "grace hopper "):
        resp = await books.call("POST", "/contacts", json={"contact_name": name})
        assert (resp.status, resp.code) == (400, 3062)
        assert resp.body["message"] == (
            f'The customer "{name}" already exists. Please specify a different name.'
        )


async def test_contact_name_is_required(books: BooksClient) -> None:
    resp = await books.call("POST", "/contacts", json={"company_name": "No Name Ltd"})
    assert resp.status == 400


async def test_filters_by_email_and_name(books: BooksClient) -> None:
    await contact(books, "Ada Lovelace", "ada@example.com")
    await contact(books, "Alan Turing", "alan@example.org")
    secondary = {
        "contact_name": "Charles Babbage",
        "contact_persons": [
            {"email": "charles@example.com", "is_primary_contact": True},
            {"email": "ada@example.com"},
        ],
    }
    assert (await books.call("POST", "/contacts", json=secondary)).status == 201

    async def names(**params: str) -> list[str]:
        resp = await books.call("GET", "/contacts", params=params)
        assert resp.status == 200, resp.body
        return [row["contact_name"] for row in resp.body["contacts"]]

    assert await names(email="ada@example.com") == ["Ada Lovelace"]  # primary person only
    assert await names(email="ADA@example.com") == ["Ada Lovelace"]
    assert await names(email_contains="example.com") == ["Ada Lovelace", "Charles Babbage"]
    assert await names(contact_name="Alan Turing") == ["Alan Turing"]
    assert await names(contact_name_startswith="a") == ["Ada Lovelace", "Alan Turing"]
    assert await names(first_name="Alan") == ["Alan Turing"]
    assert await names(search_text="babb") == ["Charles Babbage"]
    assert await names(contact_name="Alan") == []


async def test_list_rows_show_the_primary_email(books: BooksClient) -> None:
    await contact(books, "Ada Lovelace", "ada@example.com")
    resp = await books.call("GET", "/contacts")
    row = resp.body["contacts"][0]
    assert row["email"] == "ada@example.com"
    assert "contact_persons" not in row


async def test_pagination(books: BooksClient) -> None:
    for name in ("A One", "B Two", "C Three"):
        await contact(books, name)
    first = await books.call("GET", "/contacts", params={"per_page": "2"})
    assert [c["contact_name"] for c in first.body["contacts"]] == ["A One", "B Two"]
    assert first.body["page_context"]["has_more_page"] is True
    second = await books.call("GET", "/contacts", params={"per_page": "2", "page": "2"})
    assert [c["contact_name"] for c in second.body["contacts"]] == ["C Three"]
    assert second.body["page_context"]["has_more_page"] is False
    too_many = await books.call("GET", "/contacts", params={"per_page": "201"})
    assert too_many.status == 400


async def test_update_replaces_given_fields_and_keeps_the_name(books: BooksClient) -> None:
    created = await contact(books, "Ada Lovelace", "ada@example.com")
    person_id = created["contact_persons"][0]["contact_person_id"]
    body = {
        "contact_name": "Ada Lovelace",
        "contact_persons": [{"contact_person_id": person_id, "phone": "+39 02 1234"}],
        "billing_address": {"address": "Via Roma 1", "city": "Milano"},
    }
    resp = await books.call("PUT", f"/contacts/{created['contact_id']}", json=body)
    assert resp.status == 200, resp.body
    updated = resp.body["contact"]
    assert updated["contact_name"] == "Ada Lovelace"
    assert updated["email"] == "ada@example.com"
    assert updated["phone"] == "+39 02 1234"
    assert updated["contact_persons"][0]["contact_person_id"] == person_id
    assert updated["billing_address"]["city"] == "Milano"


async def test_update_to_a_taken_name_is_refused(books: BooksClient) -> None:
    await contact(books, "Ada Lovelace")
    other = await contact(books, "Alan Turing")
    resp = await books.call(
        "PUT", f"/contacts/{other['contact_id']}", json={"contact_name": "Ada Lovelace"}
    )
    assert (resp.status, resp.code) == (400, 3062)
    got = await books.call("GET", f"/contacts/{other['contact_id']}")
    assert got.body["contact"]["contact_name"] == "Alan Turing"


async def test_currency_must_be_enabled_and_sticks_once_invoiced(books: BooksClient) -> None:
    usd = await currency_id(books, "USD")
    bad = await books.call("POST", "/contacts", json={"contact_name": "X", "currency_id": "1"})
    assert bad.status == 400
    created = await contact(books, "Sam Smith", currency_id=usd)
    assert created["currency_code"] == "USD"
    lines = [{"name": "Mug", "rate": 10}]
    assert (await invoice(books, created["contact_id"], lines)).status == 201
    eur = await currency_id(books, "EUR")
    resp = await books.call("PUT", f"/contacts/{created['contact_id']}", json={"currency_id": eur})
    assert resp.status == 400
    got = await books.call("GET", f"/contacts/{created['contact_id']}")
    assert got.body["contact"]["currency_code"] == "USD"


async def test_a_disabled_currency_is_refused(books: BooksClient) -> None:
    chf = await currency_id(books, "CHF")
    assert (await books.raw.control("POST", f"/books/currencies/{chf}/disable")).status == 200
    resp = await books.call("POST", "/contacts", json={"contact_name": "Z", "currency_id": chf})
    assert resp.status == 400


async def test_delete(books: BooksClient) -> None:
    created = await contact(books, "Ada Lovelace")
    path = f"/contacts/{created['contact_id']}"
    resp = await books.call("DELETE", path)
    assert (resp.status, resp.body["message"]) == (200, "The contact has been deleted.")
    missing = await books.call("GET", path)
    assert (missing.status, missing.code) == (404, 1002)
    assert (await books.call("DELETE", path)).code == 1002


async def test_plain_filters_can_be_made_exact(books: BooksClient) -> None:
    books.raw.sandbox.app[CONFIG].plain_filter_match = "exact"
    await contact(books, "Ada Lovelace", "ada@example.com")
    upper = await books.call("GET", "/contacts", params={"email": "ADA@example.com"})
    assert upper.body["contacts"] == []
    prefix = await books.call("GET", "/contacts", params={"email_startswith": "ADA"})
    assert len(prefix.body["contacts"]) == 1
