"""SPEC §3's table, row by row, through ``decide``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from worker.domain.decisions import Decision, Facts, State, Step, decide

NEW_PAID = Facts(
    paid=True, deleted=False, has_snapshot=True, invoice_known=False, invoice_number=None,
    invoice_status=None, invoice_checked=False, invoice_gone=False, payload_changed=True,
    lookup_done=False, auto_sync=True, manual=False,
)  # fmt: skip
DRAFT = replace(NEW_PAID, invoice_known=True, invoice_number="INV-000007", invoice_status="draft",
                payload_changed=False)  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(NEW_PAID, Decision(Step.LOOKUP), id="paid, no invoice: look up first"),
        pytest.param(replace(NEW_PAID, lookup_done=True), Decision(Step.CREATE),
                     id="paid, nothing found: create"),
        pytest.param(DRAFT, Decision(Step.SETTLE, State.SYNCED), id="duplicate paid: no call"),
        pytest.param(replace(DRAFT, payload_changed=True), Decision(Step.REFRESH),
                     id="changed: read the invoice first"),
        pytest.param(replace(DRAFT, payload_changed=True, invoice_checked=True),
                     Decision(Step.UPDATE), id="changed draft: update in place"),
        pytest.param(replace(DRAFT, payload_changed=True, invoice_checked=True,
                             invoice_status="sent"),
                     Decision(Step.SETTLE, State.LOCKED, "the invoice is sent"),
                     id="changed but sent: locked"),
        pytest.param(replace(NEW_PAID, paid=False), Decision(Step.SETTLE, State.RECEIVED),
                     id="updated, not paid: store only"),
        pytest.param(replace(NEW_PAID, deleted=True, paid=False),
                     Decision(Step.LOOKUP), id="deleted, nothing known: make sure"),
        pytest.param(replace(NEW_PAID, deleted=True, lookup_done=True),
                     Decision(Step.SETTLE, State.DELETED), id="deleted before invoicing"),
        pytest.param(replace(DRAFT, deleted=True), Decision(Step.REFRESH),
                     id="deleted: read the invoice first"),
        pytest.param(replace(DRAFT, deleted=True, invoice_checked=True), Decision(Step.DELETE),
                     id="deleted draft: delete it"),
        pytest.param(replace(DRAFT, deleted=True, invoice_gone=True),
                     Decision(Step.SETTLE, State.DELETED), id="deleted, already gone: done"),
        pytest.param(
            replace(DRAFT, deleted=True, invoice_checked=True, invoice_status="sent"),
            Decision(Step.SETTLE, State.NEEDS_ATTENTION,
                     "INV-000007 is sent: void it or issue a credit note in Zoho"),
            id="cancelled after sending: a person voids it",
        ),
        pytest.param(replace(DRAFT, invoice_gone=True),
                     Decision(Step.SETTLE, State.NEEDS_ATTENTION, "deleted in Zoho"),
                     id="deleted by a person in Zoho: never recreated automatically"),
        pytest.param(replace(NEW_PAID, auto_sync=False), Decision(Step.SETTLE, State.PENDING),
                     id="auto sync off: pending"),
        pytest.param(replace(NEW_PAID, auto_sync=False, manual=True), Decision(Step.LOOKUP),
                     id="auto sync off, Generate: works"),
        pytest.param(replace(DRAFT, invoice_status="paid"), Decision(Step.SETTLE, State.LOCKED),
                     id="unchanged but paid in Zoho: locked"),
        pytest.param(replace(DRAFT, withdrawn=True, manual=True), Decision(Step.REFRESH),
                     id="Delete: read the invoice first"),
        pytest.param(replace(DRAFT, withdrawn=True, manual=True, invoice_checked=True),
                     Decision(Step.DELETE), id="Delete of a draft: delete it"),
        pytest.param(replace(DRAFT, withdrawn=True, manual=True, invoice_checked=True,
                             invoice_status="sent"),
                     Decision(Step.SETTLE, State.LOCKED,
                              "INV-000007 is sent: only a draft can be deleted"),
                     id="Delete of a sent invoice: left locked"),
        pytest.param(replace(DRAFT, withdrawn=True, invoice_gone=True, payload_changed=True),
                     Decision(Step.SETTLE, State.DELETED),
                     id="after Delete, an update does not recreate it"),
        pytest.param(replace(DRAFT, withdrawn=True, invoice_gone=True, auto_sync=False),
                     Decision(Step.SETTLE, State.DELETED),
                     id="after Delete, auto sync off: stays deleted"),
        pytest.param(replace(DRAFT, withdrawn=True, manual=True, auto_sync=False),
                     Decision(Step.REFRESH), id="Delete works with auto sync off"),
    ],
)  # fmt: skip
def test_decide_follows_the_spec_table(facts: Facts, expected: Decision) -> None:
    assert decide(facts) == expected
