"""The end-to-end workload is reproducible and has the shapes and the trouble it promises."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

import pytest

from tests.support.workload import Mix, Workload, build_workload


@pytest.fixture(scope="module")
def workload() -> Workload:
    """The workload the end-to-end test runs."""
    return build_workload(seed=8, orders=60)


def _bodies(workload: Workload) -> list[bytes]:
    return [p.body for p in workload.publications if p.order_id is not None]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others(workload: Workload) -> None:
    assert build_workload(seed=8, orders=60) == workload
    assert _bodies(build_workload(seed=9, orders=60)) != _bodies(workload)


def test_shares_of_repeat_customers_currencies_duplicates_and_reordering(
    workload: Workload,
) -> None:
    summary = workload.summary()
    valid = len(_bodies(workload))

    assert summary["orders"] == 60
    assert 0.3 <= summary["returning_customer_orders"] / 60 <= 0.5
    assert 0.1 <= summary["usd_orders"] / 60 <= 0.25
    assert 0.05 <= summary["duplicates"] / valid <= 0.15
    assert 0.15 <= summary["reordered"] / valid <= 0.35
    assert {o.state for o in workload.expected.values()} == {"synced", "deleted", "received"}


def test_shops_send_absence_as_empty_strings_and_nulls_and_amounts_in_many_forms(
    workload: Workload,
) -> None:
    datas = [json.loads(body)["data"] for body in _bodies(workload)]
    customers = [d["customer"] for d in datas if "customer" in d]
    lines = [line for d in datas for line in d.get("lines", [])]

    assert any(c["company"] == "" and c["phone"] == "" for c in customers)  # WooCommerce guest
    assert any(c["company"] is None and c["phone"] is None for c in customers)  # Shopify guest
    assert any(line["description"] == "" for line in lines)
    assert any(len(line["name"]) > 100 for line in lines)
    assert any(isinstance(line["unit_price"], float) for line in lines)
    assert any(Decimal(str(line["unit_price"])).as_tuple().exponent == -3 for line in lines)
    assert any(Decimal(str(line["quantity"])) % 1 for line in lines)
    assert any(not str(c["first_name"]).isascii() for c in customers)


def test_namesakes_and_a_customer_in_two_currencies(workload: Workload) -> None:
    emails_by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    currencies_by_email: dict[str, set[str]] = defaultdict(set)
    for order in workload.expected.values():
        customer = order.newest.customer
        emails_by_name[customer.first_name, customer.last_name].add(customer.email.lower())
        currencies_by_email[customer.email.lower()].add(order.newest.currency)

    assert any(len(emails) > 1 for emails in emails_by_name.values())
    assert any(len(codes) > 1 for codes in currencies_by_email.values())


def test_every_invoice_total_is_within_the_rounding_adjustment_of_zohos(
    workload: Workload,
) -> None:
    for order in workload.expected.values():
        newest = order.newest
        assert newest.total() > 0
        assert abs(newest.total() - newest.zoho_total()) <= Decimal("0.05"), order.order_id


def test_the_newest_event_of_each_order_carries_the_expected_snapshot(workload: Workload) -> None:
    newest: dict[str, tuple[str, dict[str, object]]] = {}
    for publication in workload.publications:
        if publication.order_id is None or publication.routing_key == "order.deleted":
            continue
        event = json.loads(publication.body)
        if publication.order_id not in newest or event["time"] > newest[publication.order_id][0]:
            newest[publication.order_id] = (event["time"], event["data"])

    assert newest.keys() == workload.expected.keys()
    for order_id, (_, data) in newest.items():
        assert data["total"] == str(workload.expected[order_id].newest.total())


def test_malformed_messages_are_not_json(workload: Workload) -> None:
    assert len(workload.malformed) == 2
    for body in workload.malformed:
        with pytest.raises((ValueError, RecursionError)):
            json.loads(body)


CLEAN = Mix(
    lifecycles={"paid": 0.7, "billing_after_paid": 0.3},
    repeat_share=0.7,
    usd_share=0.0,
    names="distinct",
    reorder_share=0.0,
    duplicate_share=0.0,
    redeliver_share=0.0,
    malformed=False,
    interleave=False,
)


def test_a_mix_sets_the_shares_and_can_leave_out_the_trouble() -> None:
    workload = build_workload(seed=1, orders=100, mix=CLEAN)
    summary = workload.summary()

    assert summary["lifecycles"] == {"paid": 70, "billing_after_paid": 30}
    assert summary["duplicates"] == summary["reordered"] == summary["usd_orders"] == 0
    assert workload.malformed == []
    assert 0.6 <= summary["returning_customer_orders"] / 100 <= 0.8
    placed = [int(str(p.order_id)) % 1000 for p in workload.phase(0)]  # the index in the ids
    assert placed == sorted(placed)


def test_distinct_names_give_namesakes_only_at_the_share_asked() -> None:
    def namesakes(mix: Mix) -> int:
        names: dict[tuple[str, str], set[str]] = defaultdict(set)
        for order in build_workload(seed=1, orders=200, mix=mix).expected.values():
            customer = order.newest.customer
            names[customer.first_name, customer.last_name].add(customer.email.lower())
        return sum(len(emails) - 1 for emails in names.values())

    assert namesakes(CLEAN) == 0
    assert namesakes(replace(CLEAN, namesake_share=0.1)) > 0


def test_a_billing_change_after_payment_moves_the_address_and_keeps_the_invoice() -> None:
    workload = build_workload(seed=1, orders=20, mix=CLEAN)
    changed = [o for o in workload.expected.values() if o.lifecycle == "billing_after_paid"]
    assert changed
    for order in changed:
        events = [json.loads(p.body) for p in workload.publications if p.order_id == order.order_id]
        paid, updated = (e["data"] for e in events)

        assert [e["type"] for e in events] == ["order.paid", "order.updated"]
        assert paid["billing_address"]["line1"] != updated["billing_address"]["line1"]
        assert paid["lines"] == updated["lines"]
        assert order.state == "synced"
