"""Realistic shop orders (``tests/corpus``) end to end: event in, draft invoice in the sandbox
over HTTP, totals equal, every request body accepted by Zoho's request schemas."""

from __future__ import annotations

from decimal import Decimal

from tests.corpus.orders import CORPUS, event_body
from tests.support.sync_harness import Harness
from tests.support.zoho_fixtures import sandbox_state
from worker.events import Order, parse_event


async def test_corpus_orders_sync_with_zoho_totals_and_valid_bodies(harness: Harness) -> None:
    totals: dict[str, Decimal] = {}
    for name in CORPUS:
        event = parse_event(event_body(CORPUS[name]))
        assert isinstance(event.order, Order)

        record = await harness.deliver(event)

        assert record.state == "synced", (name, record.reason, record.last_error)
        assert record.invoice is not None
        assert Decimal(record.invoice.total or "nan") == event.order.total, name
        totals[event.order_id] = event.order.total

    books = await harness.books()
    by_reference = {invoice["reference_number"]: invoice for invoice in books["invoices"]}
    assert {f"ORD-{order_id}" for order_id in totals} == by_reference.keys()
    for order_id, total in totals.items():
        assert Decimal(str(by_reference[f"ORD-{order_id}"]["total"])) == total
    names = {contact["contact_name"] for contact in books["contacts"]}
    assert {"Mario Rossi", "solo.email@example.com", "Zoë Ångström", "Jon Snow"} <= names
    state = await sandbox_state(harness.http, harness.sandbox)
    counters, validation = state["counters"], state["openapi_validation"]
    assert isinstance(counters, dict)
    assert isinstance(validation, dict)
    assert validation["enabled"]  # the shipped request schemas, even in a plain clone
    assert counters.get("openapi_violations", 0) == 0
