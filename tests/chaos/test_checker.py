"""The chaos checker counts what a run ended with against its workload: each way it can fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chaos.checker import Row, check, table
from chaos.ledger import Ledger
from tests.support.workload import Workload, build_workload
from tests.support.workload_checks import DeadLetter, Observed
from worker.sync.records import InvoiceRef, OrderRecord

WORKLOAD = build_workload(seed=5, orders=16)
INVOICED = sorted(o.order_id for o in WORKLOAD.expected.values() if o.invoiced)
DELETED = sorted(o.order_id for o in WORKLOAD.expected.values() if o.state == "deleted")


def _perfect(workload: Workload) -> Observed:
    """What a flawless run leaves: one current invoice per invoiced order, every record final."""
    invoices: list[dict[str, Any]] = []
    records: dict[str, OrderRecord | None] = {}
    for order in workload.expected.values():
        invoice = None
        if order.invoiced:
            invoice_id = f"inv-{order.order_id}"
            invoices.append(
                {
                    "invoice_id": invoice_id,
                    "reference_number": order.reference,
                    "total": str(order.newest.total()),
                    "currency_code": order.newest.currency,
                }
            )
            invoice = InvoiceRef(
                organization_id="1", invoice_id=invoice_id, invoice_number="INV-1", status="draft"
            )
        records[order.order_id] = OrderRecord(
            order_id=order.order_id, state=order.state, invoice=invoice
        )
    letters = [DeadLetter(body, "invalid_json", None) for body in workload.malformed]
    return Observed(invoices, [], records, [], {"mints": 3}, None, letters)


def _checked(change: Callable[[Observed], Any] = lambda _seen: None, **row: Any) -> Row:
    seen = _perfect(WORKLOAD)
    change(seen)
    ledger = Ledger(confirmed=list(WORKLOAD.publications))
    return check(Row("t", **row), WORKLOAD, seen, ledger)


def _invoice(seen: Observed, order_id: str) -> dict[str, Any]:
    return next(i for i in seen.invoices if i["reference_number"] == f"ORD-{order_id}")


def _change_record(seen: Observed, order_id: str, **update: Any) -> None:
    record = seen.records[order_id]
    assert record is not None
    seen.records[order_id] = record.model_copy(update=update)


def test_a_flawless_run_counts_every_expected_invoice_and_passes() -> None:
    row = _checked()

    assert (row.expected, row.created) == (len(INVOICED), len(INVOICED))
    assert (row.duplicate, row.lost, row.orphan, row.stale) == (0, 0, 0, 0)
    assert row.dead_letters == {"invalid_json (malformed)": len(WORKLOAD.malformed)}
    assert not row.failed


def test_a_missing_invoice_is_lost_and_fails_the_run() -> None:
    row = _checked(lambda seen: seen.invoices.remove(_invoice(seen, INVOICED[0])))

    assert (row.lost, row.created) == (1, len(INVOICED) - 1)
    assert row.failed


def test_a_second_invoice_for_one_order_is_a_duplicate_and_fails_the_run() -> None:
    row = _checked(lambda seen: seen.invoices.append(dict(_invoice(seen, INVOICED[0]))))

    assert row.duplicate == 1
    assert row.failed


def test_an_invoice_for_a_deleted_order_or_for_no_order_is_an_orphan() -> None:
    def orphans(seen: Observed) -> None:
        seen.invoices.append({"reference_number": f"ORD-{DELETED[0]}", "total": "1"})
        seen.invoices.append({"reference_number": "ORD-not-in-the-workload", "total": "1"})

    row = _checked(orphans)

    assert row.orphan == 2
    assert not row.failed  # shown in the table; only duplicates and lost orders fail a run


@pytest.mark.parametrize(
    "change",
    [
        lambda seen: _invoice(seen, INVOICED[0]).update(total="0.01"),
        lambda seen: _invoice(seen, INVOICED[0]).update(currency_code="JPY"),
        lambda seen: seen.records.update({INVOICED[0]: None}),
        lambda seen: _change_record(seen, INVOICED[0], state="failed"),
        lambda seen: _change_record(seen, INVOICED[0], invoice=None),
    ],
    ids=["old total", "other currency", "no record", "record failed", "record without invoice"],
)
def test_an_invoice_or_record_behind_the_newest_revision_is_stale(
    change: Callable[[Observed], Any],
) -> None:
    assert _checked(change).stale == 1


def test_a_deleted_order_whose_record_is_not_deleted_is_stale() -> None:
    assert _checked(lambda seen: _change_record(seen, DELETED[0], state="synced")).stale == 1


def test_dead_letters_other_than_the_workloads_malformed_messages_are_counted_apart() -> None:
    def extra(seen: Observed) -> None:
        seen.dead_letters.append(DeadLetter(b"{}", "invalid_event", None))

    row = _checked(extra)

    assert row.dead_letters["invalid_event"] == 1
    assert row.dead_letters["invalid_json (malformed)"] == len(WORKLOAD.malformed)


def test_token_mints_beyond_one_per_lifetime_across_the_replicas_fail_the_run() -> None:
    # 120 s with 60 s tokens refreshed at 54 s: the replicas' first token, two refreshes, one
    # on the boundary; the suite's own code exchange is not the replicas'.
    within = _checked(lambda seen: seen.counters.update(mints=1 + 4))
    within.seconds, within.token_ttl_s = 120.0, 60
    over = _checked(lambda seen: seen.counters.update(mints=1 + 5))
    over.seconds, over.token_ttl_s = 120.0, 60

    assert (within.mint_bound, within.failed) == (4, False)
    assert (over.mint_bound, over.failed) == (4, True)
    assert "| 6 (5 ≤ 4) |" in table([over])


def test_each_replica_killed_may_cost_one_mint_more() -> None:
    row = _checked(kills=2)
    row.seconds, row.token_ttl_s = 120.0, 60

    assert row.mint_bound == 6


def test_tokens_that_outlive_the_run_have_no_bound() -> None:
    row = _checked(lambda seen: seen.counters.update(mints=40))
    row.seconds = 120.0

    assert row.mint_bound is None
    assert not row.failed


def test_a_refused_mint_fails_the_run_and_is_noted() -> None:
    row = _checked(lambda seen: seen.counters.update({"oauth.access_denied": 1}))

    assert row.failed
    assert "Zoho refused 1 token mints (Access Denied)" in row.notes


def test_refreshes_per_ten_minutes_scale_the_runs_own_refreshes() -> None:
    # The suite's code exchange and the replicas' first token are no refreshes.
    row = Row("t", mints=7, seconds=60.0)

    assert row.mints_per_10_min == 50.0


def test_the_table_says_why_a_row_failed() -> None:
    lost = _checked(lambda seen: seen.invoices.remove(_invoice(seen, INVOICED[0])))
    broken = Row("x", error="timed out after 300 s")

    lines = table([_checked(), lost, broken]).splitlines()

    assert lines[2].endswith("| ok |")
    assert lines[3].endswith("| FAIL |")
    assert lines[4].endswith("| ERROR timed out after 300 s |")


def test_the_notes_say_when_each_token_call_came() -> None:
    def calls(seen: Observed) -> None:
        seen.calls += [
            {"request_class": "oauth.token", "time": t} for t in (100.0, 101.0, 117.5)
        ] + [{"request_class": "invoices.create", "time": 105.0}]

    assert "token calls at s: 0.0, 1.0, 17.5" in _checked(calls).notes
