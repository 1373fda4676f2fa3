"""Real shop orders under Zoho's real conditions, through three replicas: one invoice per order.

Three ``zbsync run`` processes share RabbitMQ, MongoDB and the sandbox. The
workload (``tests/support/workload.py``, seeded) is 60 orders shaped as
WooCommerce and Shopify send them, published in three phases: new orders
first; once those settled, updates, deletes, cancellations, late payments and
more new orders; then two orders in a quiet moment. Events are duplicated and
reordered, two messages are malformed. Meanwhile Zoho misbehaves: creates
applied but answered 500 or with a reset, 429 storms, an invoice list that
lags 2.5 s behind writes (the workers wait 3 s after an unknown outcome), and a
request budget far below the demand (40 requests per 4-second window across
the replicas: Zoho's minute scaled down so the test takes about a minute).

Once nothing is left to do, every paid order that was not deleted has exactly
one invoice, with the newest revision's content, and is ``synced``; deleted
orders have none; no contact is duplicated; no request body broke Zoho's
schemas; only the malformed messages were dead-lettered. Every difference is
listed in one failure message. The figures (Zoho calls by request class, per
invoice, faults fired) are printed: run with ``-s`` to see them.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from tests.e2e.conftest import Stack
from tests.support.scaled_worker import WINDOW_ENV
from tests.support.worker_process import WorkerProcess
from tests.support.workload import build_workload
from tests.support.workload_checks import figures, problems
from tests.support.workload_run import observe, publisher, settle
from tests.support.zoho_fixtures import add_fault
from zoho_sandbox import SandboxConfig

SEED, ORDERS, REPLICAS = 8, 60, 3
LIST_LAG = 2.5  # seconds before Zoho's list shows a new invoice (sandbox time runs at 1x)
WORKER_ENV = {
    "ZBSYNC_LIST_LAG_WAIT": "3",  # longer than the list lags
    "ZBSYNC_ZOHO_REQUESTS_PER_MINUTE": "40",  # per scaled window, across the replicas
    WINDOW_ENV: "4000",  # longer than LIST_LAG_WAIT, like a real minute
    "ZBSYNC_LEASE_TTL": "6",  # short: a lease lost mid-create would show within the run
}
SETTLE_WITHIN = 100.0  # seconds; a bound for a failing run, not a measure
# Per phase, in the order Zoho meets them: each fault hits one request of its class.
FAULTS = {
    0: [
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_reset"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "applied_then_reset"),
        ("contacts.create", "applied_then_500"),
        ("contacts.list", "rate_limit_storm"),
        ("invoices.list", "rate_limit_storm"),
    ],
    1: [
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "applied_then_reset"),
        ("invoices.update", "applied_then_500"),
        ("invoices.update", "rate_limit_storm"),
        ("invoices.delete", "applied_then_reset"),
    ],
    2: [  # a quiet moment: whichever create waited out a hold-off meets a lost answer
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "rate_limit_storm"),
        ("invoices.create", "applied_then_reset"),
    ],
}


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """A paid plan whose list lags and whose minute is as short as the workers' budget window."""
    return SandboxConfig(plan_name="PREMIUM", list_lag=LIST_LAG, minute_window=4.0)


async def test_realistic_orders_under_zoho_faults_give_one_invoice_per_paid_order(
    stack: Stack,
) -> None:
    workload = build_workload(SEED, ORDERS)
    await _start_replicas(stack)
    unsettled: list[str] = []
    timings = {}
    async with publisher(stack) as publish:
        for phase in range(workload.phases):
            started = time.monotonic()
            for request_class, mode in FAULTS[phase]:
                await add_fault(stack.http, stack.sandbox, request_class, mode)
            for publication in workload.phase(phase):
                await publish(publication)
            published = [p for p in workload.publications if p.phase <= phase]
            still_open = await settle(stack, published, within=SETTLE_WITHIN)
            unsettled += [f"phase {phase}: {what}" for what in still_open]
            timings[f"phase_{phase}_seconds"] = round(time.monotonic() - started, 1)
    seen = await observe(stack, workload, unsettled)
    report = {**workload.summary(), **timings, **figures(workload, seen)}
    print("\nrealistic workload:", json.dumps(report, indent=2))  # noqa: T201 - figures for -s

    found = problems(workload, seen)
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


async def _start_replicas(stack: Stack) -> None:
    env = {**stack.env, **WORKER_ENV}
    command = ("-m", "tests.support.scaled_worker")
    started = await asyncio.gather(*(WorkerProcess.start(env, command) for _ in range(REPLICAS)))
    stack.workers.extend(started)
