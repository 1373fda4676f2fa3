"""Generate and Delete by hand, on the per-order path, against the sandbox (MongoDB and memory)."""

from __future__ import annotations

import pytest

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from worker.domain.decisions import State
from worker.sync.manual import ManualActions, NotAllowed, UnknownOrder
from worker.sync.policy import SyncPolicy
from worker.sync.records import OrderRecord
from worker.sync.service import Outcome, _finished

AUTO_SYNC_OFF = SyncPolicy(auto_sync=False, list_lag_wait_ms=0)


def _actions(harness: Harness) -> ManualActions:
    return ManualActions(harness.orders, harness.audit, harness.service, harness.clock)


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_generate_with_auto_sync_off_creates_exactly_one_invoice(harness: Harness) -> None:
    record = await harness.deliver(event("order.paid", order_data("1001")))
    assert record.state == "pending"

    result = await _actions(harness).generate("1001", "admin")

    assert result.carried_out
    assert result.record.state == "synced"
    assert not result.record.manual
    assert len(await harness.calls("invoices.create")) == 1
    trail = await harness.audit.for_order("1001")
    assert any(e["kind"] == "manual" and e["action"] == "generate" for e in trail)


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_delete_removes_the_draft_and_it_stays_deleted_until_generate(
    harness: Harness,
) -> None:
    await harness.receive(event("order.paid", order_data("1001")))
    actions = _actions(harness)
    await actions.generate("1001", "admin")

    deleted = await actions.delete_invoice("1001", "admin")

    assert deleted.record.state == "deleted"
    assert (await harness.books())["invoices"] == []
    assert len(await harness.calls("invoices.delete")) == 1
    updated = await harness.deliver(event("order.updated", order_data("1001"), minutes=5))
    assert updated.state == "deleted"
    assert len(await harness.calls("invoices.create")) == 1
    regenerated = await actions.generate("1001", "admin")
    assert regenerated.record.state == "synced"
    assert len((await harness.books())["invoices"]) == 1


async def test_after_delete_an_automatic_pass_does_not_recreate_the_invoice(
    harness: Harness,
) -> None:
    await harness.deliver(event("order.paid", order_data("1001")))

    await _actions(harness).delete_invoice("1001", "admin")
    record = await harness.pass_again("1001")

    assert record.state == "deleted"
    assert len(await harness.calls("invoices.create")) == 1


@pytest.mark.parametrize("sync_policy", [AUTO_SYNC_OFF])
async def test_a_request_while_another_replica_holds_the_order_stays_recorded(
    harness: Harness,
) -> None:
    await harness.receive(event("order.paid", order_data("1001")))
    far = harness.clock.now_ms() + 600_000
    await harness.orders.change(
        "1001", lambda r: r and r.replace(lease_owner="other", lease_until_ms=far)
    )

    result = await _actions(harness).generate("1001", "admin")

    assert not result.carried_out
    assert result.record.manual
    assert await harness.calls("invoices.create") == []
    await harness.orders.change("1001", lambda r: r and r.replace(lease_owner=None))
    await harness.service.sync("1001")  # the holder's next look: the request is carried out
    assert len(await harness.calls("invoices.create")) == 1


async def test_actions_refused_in_the_wrong_state(harness: Harness) -> None:
    actions = _actions(harness)
    with pytest.raises(UnknownOrder):
        await actions.generate("404", "admin")
    await harness.receive(event("order.updated", order_data("1001", status="pending")))
    with pytest.raises(NotAllowed, match="not paid"):
        await actions.generate("1001", "admin")
    with pytest.raises(NotAllowed, match="no invoice"):
        await actions.delete_invoice("1001", "admin")
    await harness.receive(event("order.deleted", order_data("1001", revision=2), minutes=1))
    with pytest.raises(NotAllowed, match="deleted"):
        await actions.generate("1001", "admin")
    assert await harness.calls("invoices.*") == []


def test_a_request_stored_during_a_pass_outlives_the_pass() -> None:
    during = OrderRecord(order_id="1001", manual=True, work_seq=3, applied_seq=1)

    after = _finished(during, 2, Outcome(State.PENDING))  # the pass covered work_seq 2

    assert after.manual
    assert after.due_at_ms is not None
    assert not _finished(during, 3, Outcome(State.SYNCED)).manual  # covered: done
