"""The write floor counts what a perfect worker must write for a published workload."""

from __future__ import annotations

from dataclasses import replace

from bench.floor import write_floor
from tests.support.workload import Mix, build_workload

CLEAN = Mix(
    repeat_share=0.0,
    usd_share=0.0,
    names="distinct",
    reorder_share=0.0,
    duplicate_share=0.0,
    redeliver_share=0.0,
    malformed=False,
    interleave=False,
)


def test_new_customers_paying_once_need_an_invoice_and_a_contact_each_and_nothing_more() -> None:
    floor = write_floor(build_workload(1, 20, replace(CLEAN, lifecycles={"paid": 1.0})))

    assert floor.by_class == {
        "invoices.create": 20,
        "invoices.update": 0,
        "invoices.delete": 0,
        "contacts.create": 20,
        "contacts.update": 0,
    }


def test_each_change_after_invoicing_costs_one_write_of_its_kind() -> None:
    lifecycles = {
        "paid": 0.4,
        "updated_after_paid": 0.2,
        "billing_after_paid": 0.2,
        "deleted_after_paid": 0.2,
    }
    floor = write_floor(build_workload(1, 20, replace(CLEAN, lifecycles=lifecycles)))

    assert floor.by_class["invoices.create"] == 20
    assert floor.by_class["invoices.update"] == 4  # once per order, however many revisions
    assert floor.by_class["contacts.update"] == 4
    assert floor.by_class["invoices.delete"] == 4


def test_orders_never_invoiced_need_nothing_and_stale_or_duplicated_events_add_nothing() -> None:
    lifecycles = {"paid": 0.0, "deleted_at_once": 0.5, "pending_only": 0.5}
    assert write_floor(build_workload(1, 10, replace(CLEAN, lifecycles=lifecycles))).total == 0

    shares = {"paid": 0.4, "updated_after_paid": 0.3, "billing_after_paid": 0.3}
    clean = replace(CLEAN, lifecycles=shares)
    # Every changed order's old order.paid comes again after the change: stale, no write.
    noisy = replace(clean, duplicate_share=0.5, redeliver_share=1.0)
    assert write_floor(build_workload(1, 20, noisy)) == write_floor(build_workload(1, 20, clean))
