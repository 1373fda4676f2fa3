"""SPEC §3's table through the per-order path, against the sandbox and MongoDB."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from tests.support.zoho_fixtures import (
    Grant,
    add_fault,
)
from worker.domain.scopes import REQUIRED_SCOPES


async def _mark_sent(harness: Harness, invoice_id: str) -> None:
    url = f"{harness.sandbox.origin}/_sandbox/books/invoices/{invoice_id}/sent"
    async with harness.http.post(url) as resp:
        assert resp.status == 200, await resp.text()


async def test_a_paid_order_becomes_one_correct_draft_invoice(harness: Harness) -> None:
    record = await harness.deliver(event("order.paid", order_data()))

    books = await harness.books()
    [invoice] = books["invoices"]
    assert record.state == "synced"
    assert record.invoice is not None
    assert record.invoice.invoice_number == invoice["invoice_number"]
    assert invoice["status"] == "draft"
    assert invoice["reference_number"] == "ORD-1001"
    assert Decimal(str(invoice["total"])) == Decimal("45.20")
    names = [line["name"] for line in invoice["line_items"]]
    assert names == ["Green tea", "Tea book", "Discount WELCOME", "Shipping"]
    [contact] = books["contacts"]
    assert contact["contact_name"] == "Ada Lovelace"
    assert contact["billing_address"]["country"] == "Italy"
    trail = list(reversed(await harness.audit.for_order("1001")))
    assert [(e["kind"], e.get("step"), e.get("result")) for e in trail] == [
        ("event", None, None),
        ("step", "lookup", "done"),
        ("step", "create", "synced"),
        ("outcome", None, None),
    ]
    assert trail[-1]["state"] == "synced"


async def test_a_duplicate_paid_event_costs_no_zoho_call(harness: Harness) -> None:
    paid = event("order.paid", order_data())
    await harness.deliver(paid)
    calls_before = len(await harness.calls())

    intake = await harness.receive(paid)
    await harness.service.sync("1001")

    assert intake.outcome == "stale"
    assert len(await harness.calls()) == calls_before


async def test_an_update_changes_the_draft_in_place(harness: Harness) -> None:
    first = await harness.deliver(event("order.paid", order_data()))
    changed = order_data(
        revision=2, lines=order_data()["lines"][:1], discounts=[], shipping=None, total="24.40"
    )

    second = await harness.deliver(event("order.updated", changed, minutes=5))

    books = await harness.books()
    [invoice] = books["invoices"]
    assert first.invoice is not None
    assert second.invoice is not None
    assert second.invoice.invoice_id == first.invoice.invoice_id
    assert second.state == "synced"
    assert Decimal(str(invoice["total"])) == Decimal("24.40")
    assert len(invoice["line_items"]) == 1
    assert [c["request_class"] for c in await harness.calls("invoices.update")]


async def test_an_update_that_maps_to_the_same_invoice_writes_nothing(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data()))
    same = order_data(revision=2, number="#1001-renamed-in-shop-only")

    record = await harness.deliver(event("order.updated", same, minutes=5))

    assert record.state == "synced"
    assert await harness.calls("invoices.update") == []
    assert await harness.calls("invoices.get") == []


async def test_an_update_after_the_invoice_was_sent_leaves_it_locked(harness: Harness) -> None:
    record = await harness.deliver(event("order.paid", order_data()))
    assert record.invoice is not None
    await _mark_sent(harness, record.invoice.invoice_id)

    changed = await harness.deliver(
        event(
            "order.updated",
            order_data(revision=2, total="46.00", shipping={"amount": "5.08", "tax_rate": "22"}),
            minutes=5,
        )
    )

    assert changed.state == "locked"
    assert await harness.calls("invoices.update") == []


async def test_a_deleted_paid_order_deletes_its_draft(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data()))

    record = await harness.deliver(event("order.deleted", {"id": "1001"}, minutes=5))

    assert record.state == "deleted"
    assert (await harness.books())["invoices"] == []


async def test_a_delete_the_token_may_not_make_says_which_scope_to_grant(
    harness: Harness, grant: Grant
) -> None:
    await harness.deliver(event("order.paid", order_data()))
    # Reconnected with a consent that did not ask for invoices.DELETE (Zoho answers code 57).
    lacking = [s for s in REQUIRED_SCOPES if s != "ZohoBooks.invoices.DELETE"]
    await grant(lacking)

    record = await harness.deliver(event("order.deleted", {"id": "1001"}, minutes=5))

    assert record.state == "needs_attention"
    assert record.reason is not None
    assert "code 57" in record.reason
    assert "the token lacks ZohoBooks.invoices.DELETE" in record.reason
    assert (
        f"connect Zoho again from the console (Connection) granting {','.join(REQUIRED_SCOPES)}"
        in record.reason
    )
    assert len((await harness.books())["invoices"]) == 1


async def test_cancelled_after_sending_asks_a_person(harness: Harness) -> None:
    record = await harness.deliver(event("order.paid", order_data()))
    assert record.invoice is not None
    await _mark_sent(harness, record.invoice.invoice_id)

    cancelled = await harness.deliver(
        event("order.updated", order_data(revision=2, status="cancelled"), minutes=5)
    )

    assert cancelled.state == "needs_attention"
    assert cancelled.reason == (
        f"{record.invoice.invoice_number} is sent: void it or issue a credit note in Zoho"
    )
    assert len((await harness.books())["invoices"]) == 1


async def test_updated_before_paid_and_deleted_before_paid_cost_nothing(
    harness: Harness,
) -> None:
    pending = await harness.deliver(event("order.updated", order_data(status="pending")))
    gone = await harness.deliver(event("order.deleted", {"id": "1001"}, minutes=5))

    assert pending.state == "received"
    assert gone.state == "deleted"
    assert await harness.calls() == []


async def test_updated_then_paid_creates_from_the_newest_snapshot(harness: Harness) -> None:
    await harness.deliver(event("order.updated", order_data(status="pending", revision=1)))

    record = await harness.deliver(event("order.paid", order_data(revision=2), minutes=5))

    assert record.state == "synced"
    assert len((await harness.books())["invoices"]) == 1


async def test_a_stale_revision_is_recorded_and_ignored(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data(revision=3)))
    calls_before = len(await harness.calls())

    intake = await harness.receive(event("order.updated", order_data(revision=2), minutes=9))

    assert intake.outcome == "stale"
    assert len(await harness.calls()) == calls_before
    entries = await harness.audit.for_order("1001")
    assert next(e["outcome"] for e in entries if e["kind"] == "event") == "stale"


async def test_a_repeat_customer_costs_no_contact_call(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))
    contact_calls = len(await harness.calls("contacts.*"))

    await harness.deliver(event("order.paid", order_data("1002")))

    assert len(await harness.calls("contacts.*")) == contact_calls
    assert len((await harness.books())["invoices"]) == 2


async def test_a_create_whose_answer_was_lost_is_found_not_repeated(harness: Harness) -> None:
    await add_fault(harness.http, harness.sandbox, "invoices.create", "applied_then_500")

    failed = await harness.deliver(event("order.paid", order_data()))
    assert failed.state == "failed"
    assert failed.intent is not None
    assert failed.intent.unknown_at_ms is not None
    record = await harness.pass_again("1001")
    assert record.state == "synced"
    assert len((await harness.books())["invoices"]) == 1
    assert len(await harness.calls("invoices.create")) == 1
    # Found with the payload it was sent with: nothing to read back or update.
    assert await harness.calls("invoices.get") == []
    assert await harness.calls("invoices.update") == []


async def test_a_lost_create_found_after_the_order_changed_is_updated(harness: Harness) -> None:
    await add_fault(harness.http, harness.sandbox, "invoices.create", "applied_then_500")
    await harness.deliver(event("order.paid", order_data()))
    express = {"description": "Express courier", "amount": "5.00", "tax_rate": "22"}
    changed = order_data(revision=2, shipping=express)
    await harness.receive(event("order.updated", changed))

    record = await harness.pass_again("1001")
    assert record.state == "synced"
    assert len((await harness.books())["invoices"]) == 1
    assert len(await harness.calls("invoices.update")) == 1  # the list showed it a draft


async def test_concurrent_orders_of_one_new_customer_in_one_process_create_one_contact(
    harness: Harness,
) -> None:
    await asyncio.gather(
        harness.deliver(event("order.paid", order_data("1001"))),
        harness.deliver(event("order.paid", order_data("1002"))),
        harness.deliver(event("order.paid", order_data("1003"))),
    )

    creates = await harness.calls("contacts.create")
    assert [c["status"] for c in creates] == [201]
    assert len((await harness.books())["invoices"]) == 3


async def test_the_invoice_date_is_the_organizations_local_date_by_default(
    harness: Harness,
) -> None:
    """23:30 UTC on the 23rd is already the 24th in the organization's Europe/Rome."""
    await harness.deliver(event("order.paid", order_data(placed_at="2026-11-23T23:30:00Z")))

    [invoice] = (await harness.books())["invoices"]
    assert invoice["date"] == "2026-11-24"
