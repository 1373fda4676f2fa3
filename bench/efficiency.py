"""Benchmark: what an invoice costs in Zoho calls, beside the write floor, on two mixes.

Run: ``make bench-efficiency`` (or ``.venv/bin/python -m bench.efficiency``).

Two seeded mixes from ``tests/support/workload.py``, published in phases (new
orders; once those settled, changes to them and late orders; then two orders in
a quiet moment), each phase once the previous one settled:

- **(a) repeat customers**: 70 % of orders from customers who bought before;
  20 % of orders changed after their invoice exists (half their lines, half the
  billing address), 5 % deleted afterwards; one currency, names all distinct,
  events published once and in order, Zoho answering everything.
- **(b) realistic**: 40 % repeat customers; about 15 % of orders in USD (a second
  contact for one customer); namesakes (5 % of new customers take an earlier
  customer's name) that meet Zoho's 3062; the end-to-end test's lifecycles
  (pending then paid, paid late, changed, deleted, cancelled, paid and deleted at
  once, never paid); 10 % of events published twice, about 20 % reordered, two
  malformed messages; Zoho applies some invoice creates but answers 500 or drops
  the connection, so lookups after unknown outcomes happen, and its invoice list
  lags 1 s behind writes.

Installation (``bench/stack.py``): three ``zbsync run`` processes sharing the
broker, MongoDB and the sandbox; the sandbox's clock runs 60x (a Zoho minute
lasts a second) with Zoho's 100 requests a minute and a PREMIUM plan; the
workers' budget is 90 requests per second-long window; ``LIST_LAG_WAIT`` 2 s,
``LEASE_TTL`` 10 s (so a request times out after 5 s).

Figures come from the sandbox's call log (``bench/calls.py``): Books calls by
request class per *created invoice* (a create that took effect, answered or
not); the *write floor* of the same workload (``bench/floor.py``: one create per
invoiced order, one contact per new (email, currency), one invoice update per
order whose lines changed after its invoice existed, one delete per deleted
invoiced order, one contact update per billing change; creates refused for a
taken name are counted apart); total calls / floor; reads per created invoice
(lookups after unknown outcomes counted apart); invoices a day each plan's cap
buys. The end-to-end checks (one invoice per paid order, newest content, no
duplicate contact, no schema violation) run on the result: the figures count
only if they find no problem.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from bench import floor as floor_module
from bench.calls import CallFigures
from bench.floor import WriteFloor, write_floor
from bench.mongo import mongodb_uri
from bench.render import finish
from bench.report import Cell, Result, Table, Target, invocation
from bench.stack import Installation, installation, scaled_sandbox
from tests.support.workload import Mix, Workload, build_workload
from tests.support.workload_checks import problems
from tests.support.workload_run import observe, publisher, settle
from worker.logs import configure_logging
from worker.zoho.plans import PLAN_DAILY_LIMITS

REPLICAS = 3
SETTLE_WITHIN = 300.0  # seconds; a bound for a run that went wrong, not a measure
WORKER_ENV = {"ZBSYNC_LIST_LAG_WAIT": "2", "ZBSYNC_LEASE_TTL": "10"}
Runs = list[tuple["Scenario", dict[str, Any]]]
CALLS_PER_FLOOR = 1.1  # target: total calls at most 1.1 x the write floor
READS_PER_INVOICE = 0.1  # target: reads per created invoice


@dataclass(frozen=True)
class Scenario:
    """One mix: its workload's shape and how Zoho misbehaves, phase by phase."""

    key: str
    title: str
    seed: int
    mix: Mix
    list_lag: float  # sandbox seconds
    faults: dict[int, list[tuple[str, str]]]


REPEAT = Scenario(
    "a",
    "repeat customers",
    seed=1,
    mix=Mix(
        lifecycles={
            "paid": 0.75,
            "updated_after_paid": 0.10,
            "billing_after_paid": 0.10,
            "deleted_after_paid": 0.05,
        },
        repeat_share=0.70,
        usd_share=0.0,
        names="distinct",
        reorder_share=0.0,
        duplicate_share=0.0,
        redeliver_share=0.0,
        malformed=False,
        interleave=False,
    ),
    list_lag=0.0,
    faults={},
)
REALISTIC = Scenario(
    "b",
    "realistic",
    seed=3,
    mix=Mix(
        repeat_share=0.40,
        usd_share=0.15,
        names="distinct",
        namesake_share=0.05,
        reorder_share=0.65,
    ),
    list_lag=60.0,  # one real second at 60x
    faults={
        0: [("invoices.create", "applied_then_500")] * 3
        + [("invoices.create", "applied_then_reset")] * 2,
        1: [("invoices.create", "applied_then_500")] * 2,
        2: [("invoices.create", "applied_then_500")],
    },
)


async def run_scenario(uri: str, scenario: Scenario, orders: int) -> dict[str, Any]:
    """Run one mix through three replicas; its workload, floor, calls and problems."""
    workload = build_workload(scenario.seed, orders, scenario.mix)
    config = scaled_sandbox(list_lag=scenario.list_lag)
    async with installation(uri, config, WORKER_ENV) as place:
        await place.start_replicas(REPLICAS)
        started = time.monotonic()
        unsettled = await _phases(place, workload, scenario)
        seconds = time.monotonic() - started
        seen = await observe(place, workload, unsettled)
        counters = await place.counters()
    return {
        "workload": workload.summary(),
        "floor": write_floor(workload),
        "calls": CallFigures.of(seen.calls),
        "problems": problems(workload, seen),
        "seconds": round(seconds, 1),
        "token_mints": counters.get("mints", 0),
        "429s": sum(v for k, v in counters.items() if k.startswith("429.")),
        "faults_fired": {k: v for k, v in counters.items() if k.startswith("fault.")},
    }


async def _phases(place: Installation, workload: Workload, scenario: Scenario) -> list[str]:
    unsettled: list[str] = []
    async with publisher(place) as publish:
        for phase in range(workload.phases):
            for request_class, mode in scenario.faults.get(phase, []):
                await place.fault(request_class, mode)
            for publication in workload.phase(phase):
                await publish(publication)
            published = [p for p in workload.publications if p.phase <= phase]
            still_open = await settle(place, published, within=SETTLE_WITHIN, poll=0.5)
            unsettled += [f"phase {phase}: {what}" for what in still_open]
    return unsettled


def _class_table(scenario: Scenario, run: dict[str, Any]) -> Table:
    calls: CallFigures = run["calls"]
    floor: WriteFloor = run["floor"]
    created = max(calls.created_invoices, 1)
    by_class = calls.by_class()
    rows: list[list[Cell]] = [
        [name, by_class[name], by_class[name] / created, floor.by_class.get(name, 0)]
        for name in sorted(set(by_class) | set(floor.by_class))
    ]
    rows += [
        ["  of which lookups after unknown outcomes", calls.lookups_after_unknown,
         calls.lookups_after_unknown / created, 0],
        ["  of which contact creates refused (3062)", calls.refused_3062,
         calls.refused_3062 / created, 0],
        ["all Books calls", calls.total, calls.total / created, floor.total],
    ]  # fmt: skip
    return Table(
        f"({scenario.key}) {scenario.title}: Zoho calls by request class, "
        f"{calls.created_invoices} created invoices",
        ["request class", "calls", "per created invoice", "write floor"],
        rows,
    )


def _summary_table(runs: Runs) -> Table:
    rows: list[list[Cell]] = []
    for scenario, run in runs:
        calls: CallFigures = run["calls"]
        created = max(calls.created_invoices, 1)
        rows.append([
            f"({scenario.key}) {scenario.title}", run["workload"]["orders"],
            calls.created_invoices, calls.total, calls.total / created, run["floor"].total,
            calls.total / run["floor"].total, calls.reads / created,
            calls.lookups_after_unknown, calls.refused_3062, len(run["problems"]),
            run["seconds"],
        ])  # fmt: skip
    return Table(
        "Calls against the write floor",
        ["mix", "orders", "created invoices", "Books calls", "calls per created invoice",
         "write floor", "calls / floor", "reads per created invoice",
         "lookups after unknown outcomes", "refused 3062", "problems", "seconds"],
        rows,
    )  # fmt: skip


def _mix_table(runs: Runs) -> Table:
    rows: list[list[Cell]] = []
    for scenario, run in runs:
        load = run["workload"]
        orders = load["orders"]
        rows.append([
            f"({scenario.key}) {scenario.title}", orders, load["messages"],
            f"{load['returning_customer_orders'] / orders:.0%}",
            f"{load['usd_orders'] / orders:.0%}", load["contacts"],
            f"{load['duplicates'] / load['messages']:.0%}",
            f"{load['reordered'] / load['messages']:.0%}",
        ])  # fmt: skip
    return Table(
        "The mixes as published",
        ["mix", "orders", "messages", "repeat-customer orders", "USD orders",
         "contacts (invoiced at the end)", "published twice", "reordered"],
        rows,
    )  # fmt: skip


def _plans_table(runs: Runs) -> Table:
    rows: list[list[Cell]] = []
    for plan, cap in PLAN_DAILY_LIMITS.items():
        row: list[Cell] = [plan.upper(), cap]
        for _, run in runs:
            calls: CallFigures = run["calls"]
            per_invoice = calls.total / max(calls.created_invoices, 1)
            at_floor = run["floor"].total / max(calls.created_invoices, 1)
            row += [int(cap / per_invoice), int(cap / at_floor)]
        rows.append(row)
    columns = ["plan", "daily cap"]
    for scenario, _ in runs:
        columns += [f"({scenario.key}) invoices a day", f"({scenario.key}) at the floor"]
    return Table("Invoices a day each plan's daily cap buys", columns, rows)


def _targets(runs: Runs) -> list[Target]:
    targets = []
    for scenario, run in runs:
        calls: CallFigures = run["calls"]
        targets += [
            Target(f"({scenario.key}) calls / write floor", calls.total / run["floor"].total,
                   CALLS_PER_FLOOR),
            Target(f"({scenario.key}) reads per created invoice",
                   calls.reads / max(calls.created_invoices, 1), READS_PER_INVOICE),
        ]  # fmt: skip
    return targets


def _figures(run: dict[str, Any]) -> dict[str, Any]:
    calls: CallFigures = run["calls"]
    return {
        **{k: v for k, v in run.items() if k not in ("floor", "calls")},
        "write_floor": run["floor"].by_class,
        "calls_by_class": dict(sorted(calls.by_class().items())),
        "created_invoices": calls.created_invoices,
        "books_calls": calls.total,
        "reads": calls.reads,
        "lookups_after_unknown": calls.lookups_after_unknown,
        "refused_3062": calls.refused_3062,
    }


async def main_async(uri: str, sizes: dict[str, int]) -> Result:
    """Both mixes, one after the other, each on an installation of its own."""
    runs = [(s, await run_scenario(uri, s, sizes[s.key])) for s in (REPEAT, REALISTIC)]
    return Result(
        name="efficiency",
        command=invocation("efficiency"),
        about=f"{__doc__}\n**The write floor** ({floor_module.__name__}): {floor_module.__doc__}",
        settings={
            "replicas": REPLICAS,
            "orders": sizes,
            "seeds": {s.key: s.seed for s, _ in runs},
            "sandbox": "time_scale 60 (a Zoho minute = 1 s), 100 requests a minute, PREMIUM, "
            "daily cap 1,000,000; list lag (a) 0 s, (b) 1 s",
            "worker": "budget 90 per 1 s window, 5 in flight; LIST_LAG_WAIT 2 s; LEASE_TTL 10 s",
            "faults_b": {str(k): v for k, v in REALISTIC.faults.items()},
        },
        tables=[
            _mix_table(runs),
            _summary_table(runs),
            *(_class_table(s, r) for s, r in runs),
            _plans_table(runs),
        ],
        targets=_targets(runs),
        figures={s.key: _figures(r) for s, r in runs},
        notes=[f"({s.key}) problem: {p}" for s, r in runs for p in r["problems"]],
    )


def main() -> None:
    """Entry point: ``python -m bench.efficiency [--orders-a N] [--orders-b N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders-a", type=int, default=300, help="orders in mix (a)")
    parser.add_argument("--orders-b", type=int, default=200, help="orders in mix (b)")
    args = parser.parse_args()
    configure_logging("console", level=logging.WARNING)
    with mongodb_uri() as uri:
        result = asyncio.run(main_async(uri, {"a": args.orders_a, "b": args.orders_b}))
    finish(result)


if __name__ == "__main__":
    main()
