"""Benchmark: a worker on an empty database meets an organization that already holds a history.

Run: ``make bench-fresh-db`` (or ``.venv/bin/python -m bench.fresh_db [--orders N]``).

The sandbox's organization is seeded (``bench/seed_books.py``, through its own
API, before the worker starts) with 2,000 contacts and 5,000 invoices whose
references are an older installation's (``ORD-500000`` on). ``N`` new paid orders
(default 20; every other one from a customer already in Zoho, the rest from new
customers) wait in the queue; then one ``zbsync run`` process starts on an
empty database. Measured from the moment the process is started: when it
consumes, when the first new order is ``synced`` and when all ``N`` are (the
``outcome`` entries of the audit trail, stamped by the worker's clock), and the
Zoho calls by request class in each span (the sandbox's call log, its times
mapped to the wall clock). An unfiltered ``invoices.list`` page counts as the
one-time import of the references Zoho holds (SPEC §3: list pages of 200, so
about 25 for 5,000 invoices); a filtered one is a lookup of one order.

Sandbox and budget as in ``bench.efficiency``: time scaled 60x, Zoho's 100
requests a minute, PREMIUM, the worker's budget 90 per second.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from bench.calls import CallFigures, is_lookup
from bench.mongo import mongodb_uri
from bench.render import finish
from bench.report import Cell, Result, Table, invocation
from bench.sample_orders import order_id, paid_event, paid_order
from bench.seed_books import seed
from bench.stack import installation, scaled_sandbox
from tests.support.workload_run import publisher
from worker.logs import configure_logging

SEEDED_CONTACTS = 2_000
SEEDED_INVOICES = 5_000
WITHIN = 300.0  # seconds; a bound for a run that went wrong


def new_orders(count: int) -> list[dict[str, Any]]:
    """``count`` new orders; even ones from customers Zoho already knows, odd ones new."""
    rng = random.Random(11)  # noqa: S311 - sample data, not secrets
    return [
        paid_order(n, (n * 97) % SEEDED_CONTACTS if n % 2 == 0 else SEEDED_CONTACTS + n, rng)
        for n in range(count)
    ]


@dataclass(frozen=True)
class Timings:
    """Seconds from the worker's start (its process spawned)."""

    seeding: float
    consuming: float
    first_synced: float
    all_synced: float


async def run(uri: str, count: int) -> Result:
    """Seed, queue the new orders, start the worker, time it and count its calls."""
    async with installation(uri, scaled_sandbox()) as place:
        started = time.monotonic()
        seeded = await seed(place, contacts=SEEDED_CONTACTS, invoices=SEEDED_INVOICES)
        seeding = time.monotonic() - started
        async with publisher(place) as publish:
            for order in new_orders(count):
                await publish(paid_event(order))
        t0 = time.time()
        await place.start_replicas(1)
        consuming = time.time() - t0
        synced = await place.synced_at([order_id(n) for n in range(count)], WITHIN)
        to_wall = await place.wall_clock()
        calls = [c for c in await place.calls(seeded.last_call) if c["status"] is not None]
    first, last = min(synced.values()), max(synced.values())
    spans = {
        "start to first synced": [c for c in calls if to_wall(c["time"]) <= first],
        f"start to all {count} synced": calls,
    }
    timings = Timings(seeding, consuming, first - t0, last - t0)
    return _result(count, timings, spans, to_wall)


def _result(
    count: int,
    timings: Timings,
    spans: dict[str, list[dict[str, Any]]],
    to_wall: Callable[[float], float],
) -> Result:
    figures = {name: CallFigures.of(calls) for name, calls in spans.items()}
    everything = list(figures.values())[-1]
    pages = [
        c for c in everything.calls if c["request_class"] == "invoices.list" and not is_lookup(c)
    ]
    import_seconds = (to_wall(pages[-1]["time"]) - to_wall(pages[0]["time"])) if pages else 0.0
    table = Table(
        "From the worker's start (process spawned) on an empty database",
        ["moment", "seconds"],
        [
            ["consuming", round(timings.consuming, 2)],
            [f"import: {len(pages)} invoice list pages, first to last", round(import_seconds, 2)],
            ["first new order synced", round(timings.first_synced, 2)],
            [f"all {count} new orders synced", round(timings.all_synced, 2)],
        ],
    )
    return Result(
        name="fresh_db",
        command=invocation("fresh_db"),
        about=__doc__ or "",
        settings={
            "seeded": f"{SEEDED_CONTACTS:,} contacts, {SEEDED_INVOICES:,} invoices (seeding took "
            f"{timings.seeding:.1f} s, not measured)",
            "new_orders": f"{count} ({(count + 1) // 2} from customers Zoho knows)",
            "replicas": 1,
            "sandbox": "time_scale 60, 100 requests a minute, PREMIUM, daily cap 1,000,000",
            "worker": "budget 90 per 1 s window, 5 in flight",
        },
        tables=[table, _calls_table(figures, count)],
        figures={
            **asdict(timings),
            "import_list_pages": len(pages),
            "import_seconds": import_seconds,
            "calls_by_class": {n: dict(f.by_class()) for n, f in figures.items()},
        },
        notes=[
            f"the one-time import of the references Zoho holds: {SEEDED_INVOICES} invoices "
            f"are {SEEDED_INVOICES // 200} list pages of 200; orders that arrive meanwhile "
            "wait for it rather than look their reference up (a filtered invoices.list)"
        ],
    )


def _calls_table(figures: dict[str, CallFigures], count: int) -> Table:
    names = sorted({n for f in figures.values() for n in f.by_class()})
    counts = [f.by_class() for f in figures.values()]
    rows: list[list[Cell]] = [[n, *(c[n] for c in counts), counts[-1][n] / count] for n in names]
    rows.append(["all Books calls", *(sum(c.values()) for c in counts),
                 sum(counts[-1].values()) / count])  # fmt: skip
    return Table(
        "Zoho calls by request class",
        ["request class", *figures, "per new order"],
        rows,
    )


def main() -> None:
    """Entry point: ``python -m bench.fresh_db [--orders N]``."""
    parser = argparse.ArgumentParser(description="A worker on an empty database.")
    parser.add_argument("--orders", type=int, default=20, help="new orders")
    args = parser.parse_args()
    configure_logging("console", level=logging.WARNING)
    with mongodb_uri() as uri:
        finish(asyncio.run(run(uri, args.orders)))


if __name__ == "__main__":
    main()
