"""A pass's log lines tell which order they are about (issue 9, item 6)."""

from __future__ import annotations

import structlog
from structlog.testing import capture_logs

from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness


async def test_every_line_of_a_pass_names_its_order_and_zoho_calls_say_whom_they_serve(
    harness: Harness,
) -> None:
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as lines:
        await harness.deliver(event("order.paid", order_data("1001")))

    assert lines, "a pass logs what it decides and calls"
    assert {line.get("order_id") for line in lines} == {"1001"}
    calls = [line["call"] for line in lines if line["event"] == "zoho call"]
    assert "invoices.create" in calls
    assert structlog.contextvars.get_contextvars() == {}  # nothing leaks past the pass
