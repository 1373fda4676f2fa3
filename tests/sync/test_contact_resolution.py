"""The customer's contact at the fewest Zoho calls (SPEC §4, revised; issue 10 item 2).

A new customer costs one search by email and the create; the display name is
searched only after Zoho refused it (3062), and a contact found that way is
adopted (only its empty fields are ever filled) when its email is empty or equal.
"""

from __future__ import annotations

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from worker.domain.lanes import Lane
from worker.sync.records import ContactLink
from worker.zoho.books import ZohoBooks
from worker.zoho.http import ZohoHttp

LIVE = Lane.LIVE


async def _classes(harness: Harness) -> list[str]:
    return [call["request_class"] for call in await harness.calls("contacts.*")]


async def _eur(books: ZohoBooks) -> str:
    return next(c.currency_id for c in await books.currencies(LIVE) if c.currency_code == "EUR")


async def _link(harness: Harness, books: ZohoBooks) -> ContactLink:
    link = await harness.contact_links.load(books.organization_id, "ada@example.com", "EUR")
    assert link is not None
    return link


async def test_a_new_customer_costs_a_search_by_email_and_the_create(harness: Harness) -> None:
    record = await harness.deliver(event("order.paid", order_data()))

    assert record.state == "synced"
    assert await _classes(harness) == ["contacts.list", "contacts.create"]


async def test_a_namesake_with_another_email_gets_the_name_with_the_email(
    harness: Harness, books: ZohoBooks
) -> None:
    eur = await _eur(books)
    person = {"email": "ada@other.example", "is_primary_contact": True}
    await books.create_contact(
        {"contact_name": "Ada Lovelace", "currency_id": eur, "contact_persons": [person]}, LIVE
    )
    before = len(await _classes(harness))

    record = await harness.deliver(event("order.paid", order_data()))

    assert record.state == "synced"
    calls = (await _classes(harness))[before:]
    assert calls == ["contacts.list", "contacts.create", "contacts.list", "contacts.create"]
    names = {c["contact_name"] for c in (await harness.books())["contacts"]}
    assert names == {"Ada Lovelace", "Ada Lovelace (ada@example.com)"}
    assert not (await _link(harness, books)).adopted


async def test_a_contact_of_that_name_without_an_email_is_adopted_not_duplicated(
    harness: Harness, books: ZohoBooks
) -> None:
    eur = await _eur(books)
    await books.create_contact({"contact_name": "Ada Lovelace", "currency_id": eur}, LIVE)

    record = await harness.deliver(event("order.paid", order_data()))

    assert record.state == "synced"
    contacts = (await harness.books())["contacts"]
    assert [c["contact_name"] for c in contacts] == ["Ada Lovelace"]
    link = await _link(harness, books)
    assert link.adopted  # found, not created: only its empty fields are ever filled
    assert link.contact_id == contacts[0]["contact_id"]


async def test_a_contact_deleted_in_zoho_is_noticed_and_made_again(
    harness: Harness, zoho_http: ZohoHttp
) -> None:
    first = await harness.deliver(event("order.paid", order_data("1001")))
    assert first.state == "synced"
    [gone] = (await harness.books())["contacts"]
    await zoho_http.request(
        "contacts.delete", "DELETE", f"/contacts/{gone['contact_id']}", lane=LIVE
    )

    second = await harness.deliver(event("order.paid", order_data("1002")))

    assert second.state == "synced"  # not needs_attention for every later order
    [again] = (await harness.books())["contacts"]
    assert again["contact_id"] != gone["contact_id"]
    third = await harness.deliver(event("order.paid", order_data("1003")))
    assert third.state == "synced"
    assert len(await harness.calls("contacts.create")) == 2
