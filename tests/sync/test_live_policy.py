"""The per-order path reads the policy in force at each pass (console settings applied live)."""

from __future__ import annotations

import aiohttp

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness, build_harness
from tests.support.zoho_fixtures import add_fault
from worker.bootstrap.live_settings import with_console_values
from worker.domain.invoice_mapping import MappingSettings
from worker.reconcile.passes import PassSettings, ReconcilePass
from worker.store.mongo import Database
from worker.store.reconciler import ReconcilerStore
from worker.sync.policy import LivePolicy, SyncPolicy
from worker.zoho.books import ZohoBooks
from zoho_sandbox import RunningSandbox

ORG = "20061234567"


def _live(harness: Harness) -> LivePolicy:
    assert harness.policy is not None
    return harness.policy


def _switch(harness: Harness, **changes: object) -> None:
    """What ``LiveSettings`` does when the console changed a setting."""
    live = _live(harness)
    mapping = live.current.mapping
    values = {
        "auto_sync": live.current.auto_sync,
        "reference_template": mapping.reference_template,
        "discount_label": mapping.discount_label,
        "shipping_label": mapping.shipping_label,
        "tax_map": mapping.tax_map,
    }
    live.replace(with_console_values(live.current, values | changes))


async def test_auto_sync_switched_off_leaves_new_orders_pending_and_on_invoices_them(
    harness: Harness,
) -> None:
    _switch(harness, auto_sync=False)

    waiting = await harness.deliver(event("order.paid", order_data("2001")))

    assert waiting.state == "pending"
    assert await harness.calls("invoices.create") == []

    _switch(harness, auto_sync=True)
    done = await harness.pass_again("2001")

    assert done.state == "synced"
    assert len(await harness.calls("invoices.create")) == 1


async def test_the_next_invoice_uses_the_labels_and_template_in_force(harness: Harness) -> None:
    first = await harness.deliver(event("order.paid", order_data("2002")))
    _switch(
        harness, shipping_label="Spedizione", discount_label="Sconto", reference_template="W-{id}"
    )
    version = _live(harness).version

    second = await harness.deliver(event("order.paid", order_data("2003")))

    assert (first.state, second.state, version) == ("synced", "synced", 1)
    invoices = {i["reference_number"]: i for i in (await harness.books())["invoices"]}
    assert set(invoices) == {"ORD-2002", "W-2003"}
    names = {line["name"] for line in invoices["W-2003"]["line_items"]}
    assert {"Spedizione", "Sconto WELCOME"} <= names
    assert "Shipping" in {line["name"] for line in invoices["ORD-2002"]["line_items"]}


async def test_a_template_changed_after_a_lost_create_still_gives_one_invoice(
    mongo_db: Database, books: ZohoBooks, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    policy = SyncPolicy(list_lag_wait_ms=0, mapping=MappingSettings("OLD-{id}"))
    harness = await build_harness(mongo_db, books, http, sandbox, policy)
    await add_fault(http, sandbox, "invoices.create", "applied_then_reset")
    lost = await harness.deliver(event("order.paid", order_data("2004")))
    assert lost.state == "failed"
    assert lost.intent is not None
    assert lost.intent.reference == "OLD-2004"

    _switch(harness, reference_template="NEW-{id}")
    done = await harness.pass_again("2004")

    # Looked up by the reference stored with the intent, adopted, and updated to the new one.
    assert done.state == "synced"
    invoices = (await harness.books())["invoices"]
    assert [i["reference_number"] for i in invoices] == ["NEW-2004"]
    assert len(await harness.calls("invoices.create")) == 1


async def test_periodic_reconciler_passes_follow_auto_sync_in_force(harness: Harness) -> None:
    periodic = ReconcilePass(
        harness.orders,
        harness.audit,
        ReconcilerStore(harness.db),
        service=harness.service,
        catalogs=harness.catalogs,
        index=harness.index,
        feed=None,
        clock=harness.clock,
        owner="a",
        settings=PassSettings(ORG, True, 600_000, 30 * 86_400_000),
        live=_live(harness),
    )
    await harness.receive(event("order.paid", order_data("2005")))
    _switch(harness, auto_sync=False)

    off = await periodic.run(manual=False)
    assert (off.found, await harness.calls("invoices.create")) == (0, [])

    _switch(harness, auto_sync=True)
    on = await periodic.run(manual=False)
    assert (on.found, on.synced) == (1, 1)
