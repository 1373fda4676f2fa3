"""A billing change written back at the fewest Zoho calls (SPEC §4 "Contact"; issue 10 item 2).

The link keeps the contact as Zoho last answered it. A contact the worker created
follows the order: while that copy is younger than the reconciler interval, the
``PUT`` (with the copy's name) is the only call. An adopted contact only gets
fields empty in Zoho, so it is read before anything is filled; an old link, or a
copy past the window, is read first too.
"""

from __future__ import annotations

from typing import Any

from tests.support.orders import event, order_data
from tests.support.shifted_clock import ShiftedClock
from tests.support.sync_harness import Harness
from worker.domain.lanes import Lane
from worker.sync.policy import SyncPolicy
from worker.sync.records import ContactLink
from worker.zoho.books import ZohoBooks
from worker.zoho.http import ZohoHttp

LIVE = Lane.LIVE
MOVED = {"line1": "Corso Como 5", "city": "Torino", "postcode": "10121", "country": "IT"}
AGAIN = {"line1": "Via Po 9", "city": "Torino", "postcode": "10124", "country": "IT"}


def _moved(order_id: str, address: dict[str, str], phone: str) -> dict[str, Any]:
    data = order_data(order_id, billing_address=address)
    data["customer"] = {**data["customer"], "phone": phone, "vat_number": "IT01234"}
    return data


async def _contact_calls(harness: Harness, order: dict[str, Any]) -> list[dict[str, Any]]:
    """Deliver ``order`` (synced) and return the contact calls it cost."""
    before = len(await harness.calls("contacts.*"))
    record = await harness.deliver(event("order.paid", order))
    assert record.state == "synced", record.reason
    return (await harness.calls("contacts.*"))[before:]


def _classes(calls: list[dict[str, Any]]) -> list[str]:
    return [f"{c['request_class']} {c['status']}" for c in calls]


async def _the_contact(harness: Harness) -> dict[str, Any]:
    contacts: list[dict[str, Any]] = (await harness.books())["contacts"]
    [contact] = [c for c in contacts if "ada@example.com" in _emails(c)]
    return contact


def _emails(contact: dict[str, Any]) -> list[str]:
    return [person["email"] for person in contact["contact_persons"]]


async def _link(harness: Harness) -> ContactLink:
    link = await harness.contact_links.load("20061234567", "ada@example.com", "EUR")
    assert link is not None
    return link


async def _rename(zoho_http: ZohoHttp, contact_id: str, name: str) -> None:
    """What a person does in Zoho's web app."""
    path, body = f"/contacts/{contact_id}", {"contact_name": name}
    await zoho_http.request("contacts.update", "PUT", path, lane=LIVE, body=body)


def _past_the_window(harness: Harness) -> None:
    assert isinstance(harness.clock, ShiftedClock)
    harness.clock.advance(SyncPolicy().contact_copy_ttl_ms + 1)


async def test_a_created_contact_costs_one_update_per_billing_change(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))

    first = await _contact_calls(harness, _moved("1002", MOVED, "+39 011 555"))
    second = await _contact_calls(harness, _moved("1003", AGAIN, "+39 011 777"))

    # Before: contacts.get and contacts.update for each change.
    assert _classes(first) == _classes(second) == ["contacts.update 200"]
    assert second[0]["body"]["contact_name"] == "Ada Lovelace"
    contact = await _the_contact(harness)
    assert contact["billing_address"]["address"] == "Via Po 9"
    assert contact["vat_reg_no"] == "IT01234"
    [person] = contact["contact_persons"]  # the copy's person id: the phone moved, no new person
    assert person["phone"] == "+39 011 777"
    assert person["email"] == "ada@example.com"


async def test_past_the_window_the_contact_is_read_and_keeps_a_new_name(
    harness: Harness, zoho_http: ZohoHttp
) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    await _rename(zoho_http, (await _the_contact(harness))["contact_id"], "Ada King")
    _past_the_window(harness)

    calls = await _contact_calls(harness, _moved("1002", MOVED, "+39 011 555"))

    assert _classes(calls) == ["contacts.get 200", "contacts.update 200"]
    assert calls[1]["body"]["contact_name"] == "Ada King"
    contact = await _the_contact(harness)
    assert contact["contact_name"] == "Ada King"
    assert contact["billing_address"]["city"] == "Torino"


async def test_a_link_stored_without_a_copy_reads_the_contact_first(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    link = await _link(harness)
    assert link.last_seen is not None  # from the create answer
    assert await harness.contact_links.save(link.model_copy(update={"last_seen": None}))

    old = await _contact_calls(harness, _moved("1002", MOVED, "+39 011 555"))
    after = await _contact_calls(harness, _moved("1003", AGAIN, "+39 011 777"))

    assert _classes(old) == ["contacts.get 200", "contacts.update 200"]
    assert _classes(after) == ["contacts.update 200"]  # the update's answer is the new copy


async def test_an_adopted_contact_is_read_before_its_empty_fields_are_filled(
    harness: Harness, books: ZohoBooks
) -> None:
    eur = next(c for c in await books.currencies(LIVE) if c.currency_code == "EUR")
    person = {"email": "ada@example.com", "is_primary_contact": True}
    await books.create_contact(
        {"contact_name": "A. Lovelace", "currency_id": eur.currency_id,
         "billing_address": {"city": "Roma"}, "contact_persons": [person]},
        LIVE,
    )  # fmt: skip
    adopted = await _contact_calls(harness, order_data("1001"))
    assert _classes(adopted) == ["contacts.list 200", "contacts.get 200", "contacts.update 200"]

    tax_id = await _contact_calls(harness, _moved("1002", MOVED, "+39 011 555"))
    nothing_left = await _contact_calls(harness, _moved("1003", AGAIN, "+39 011 777"))

    assert _classes(tax_id) == ["contacts.get 200", "contacts.update 200"]
    assert tax_id[1]["body"] == {"contact_name": "A. Lovelace", "vat_reg_no": "IT01234"}
    assert nothing_left == []  # the copy shows every field the order has is filled in Zoho
    contact = await _the_contact(harness)
    assert contact["billing_address"]["city"] == "Roma"
    assert contact["billing_address"]["address"] == "Via Roma 1"  # empty, filled by 1001
    assert [p["phone"] for p in contact["contact_persons"]] == ["+39 02 1234567"]


async def test_a_write_refused_for_a_name_taken_since_reads_and_writes_again(
    harness: Harness, books: ZohoBooks, zoho_http: ZohoHttp
) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    contact_id = (await _the_contact(harness))["contact_id"]
    await _rename(zoho_http, contact_id, "Ada King")
    await books.create_contact({"contact_name": "Ada Lovelace"}, LIVE)

    calls = await _contact_calls(harness, _moved("1002", MOVED, "+39 011 555"))

    assert _classes(calls) == ["contacts.update 400", "contacts.get 200", "contacts.update 200"]
    assert calls[2]["body"]["contact_name"] == "Ada King"
    contact = await _the_contact(harness)
    assert (contact["contact_id"], contact["contact_name"]) == (contact_id, "Ada King")
    assert contact["billing_address"]["city"] == "Torino"


async def test_a_contact_deleted_in_zoho_is_made_again_when_its_billing_changes(
    harness: Harness, zoho_http: ZohoHttp
) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    gone = (await _the_contact(harness))["contact_id"]
    await zoho_http.request("contacts.delete", "DELETE", f"/contacts/{gone}", lane=LIVE)

    calls = await _contact_calls(harness, _moved("1002", MOVED, "+39 011 555"))

    assert _classes(calls) == ["contacts.update 404", "contacts.list 200", "contacts.create 201"]
    again = await _the_contact(harness)
    assert again["billing_address"]["city"] == "Torino"
    assert (await _link(harness)).contact_id == again["contact_id"] != gone
