"""Every body the worker sends validates against Zoho's request schemas (SPEC §4, §11).

Through the per-order path against the sandbox, which checks each create and
update body against the schemas and counts what it refuses.
"""

from __future__ import annotations

from typing import Any

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from tests.support.zoho_fixtures import sandbox_counter
from worker.domain.lanes import Lane
from worker.zoho.books import ZohoBooks

LIVE = Lane.LIVE
MOVED = {"line1": "Corso Como 5", "city": "Torino", "postcode": "10121", "country": "IT"}


async def _violations(harness: Harness) -> int:
    return await sandbox_counter(harness.http, harness.sandbox, "openapi_violations")


async def _contact(harness: Harness) -> dict[str, Any]:
    contacts: list[dict[str, Any]] = (await harness.books())["contacts"]
    [contact] = contacts
    return contact


async def test_a_billing_change_writes_back_with_the_current_name(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    moved = order_data("1002", billing_address=MOVED)
    moved["customer"] = {**moved["customer"], "phone": "+39 011 555", "vat_number": "IT01234"}

    record = await harness.deliver(event("order.paid", moved))

    assert record.state == "synced", record.reason
    [update] = await harness.calls("contacts.update")
    assert update["status"] == 200
    assert update["body"]["contact_name"] == "Ada Lovelace"
    contact = await _contact(harness)
    assert contact["contact_name"] == "Ada Lovelace"
    assert contact["billing_address"]["city"] == "Torino"
    assert contact["vat_reg_no"] == "IT01234"
    assert await _violations(harness) == 0


async def test_an_adopted_contact_keeps_its_own_name(harness: Harness, books: ZohoBooks) -> None:
    eur = next(c for c in await books.currencies(LIVE) if c.currency_code == "EUR")
    person = {"email": "ada@example.com", "is_primary_contact": True}
    await books.create_contact(
        {"contact_name": "A. Lovelace (Analytical)", "currency_id": eur.currency_id,
         "contact_persons": [person]},
        LIVE,
    )  # fmt: skip

    record = await harness.deliver(event("order.paid", order_data("1001")))

    assert record.state == "synced", record.reason
    [update] = await harness.calls("contacts.update")
    assert update["body"]["contact_name"] == "A. Lovelace (Analytical)"
    contact = await _contact(harness)
    assert contact["contact_name"] == "A. Lovelace (Analytical)"
    assert contact["billing_address"]["city"] == "Milano"
    assert await _violations(harness) == 0


async def test_every_body_of_a_workload_validates(harness: Harness) -> None:
    changed = order_data(
        "1001", revision=2, lines=order_data()["lines"][:1], discounts=[], total="30.50"
    )
    guest = order_data("1003", currency="USD", customer={"email": "guest@example.com"})
    events = [
        event("order.paid", order_data("1001")),
        event("order.updated", changed, minutes=1),
        event("order.paid", order_data("1002", billing_address=MOVED)),
        event("order.paid", guest),
    ]

    records = [await harness.deliver(each) for each in events]

    assert [(r.state, r.reason) for r in records] == [("synced", None)] * 4
    sent = {c["request_class"] for c in await harness.calls() if c["body"] is not None}
    assert sent == {"contacts.create", "contacts.update", "invoices.create", "invoices.update"}
    assert await _violations(harness) == 0
