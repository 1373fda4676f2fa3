"""Benchmark: from publishing a paid order to its draft invoice, at light load, 1 and 3 replicas.

Run: ``make bench-latency`` (or ``.venv/bin/python -m bench.latency [--rate R] [--seconds S]``).

Orders (``bench.sample_orders``; about 70 % from repeat customers) are
published one by one at ``R`` a second (default 5) for ``S`` seconds (default
60), after 5 warm-up orders that are not counted (the first pass reads the
catalog). Latency of an order: from the moment the publisher sends it (the wall
clock just before the publish call, which returns on the broker's confirm) to
the moment the order is ``synced`` — the audit trail's ``outcome`` entry,
written by the replica right after it stored the invoice it got back from Zoho
(its wall clock; both clocks are this machine's). Polling is only used to know
when every order is done, not for the times.

The sandbox answers at once (no injected latency), its clock runs 60x so that
Zoho's 100 requests a minute do not throttle 5 orders a second (each needs
about 3 to 4 calls); the workers' budget is 90 requests per second-long
window. Each replica count runs on an installation of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import time
from typing import Any

from bench.mongo import mongodb_uri
from bench.render import finish
from bench.report import Cell, Result, Table, Target, invocation
from bench.sample_orders import paid_event, paid_order
from bench.stack import installation, scaled_sandbox
from tests.support.workload_run import Publish, publisher
from worker.logs import configure_logging

RUNS = (1, 3)  # replicas
WARM_UP = 5
P95_MS = 300.0  # target
WITHIN = 300.0  # seconds; a bound for a run that went wrong


def orders(count: int) -> list[dict[str, Any]]:
    """Warm-up orders first; about 70 % of all from customers who bought before."""
    rng = random.Random(13)  # noqa: S311 - sample data, not secrets
    customers = max(1, int(count * 0.3))
    return [
        paid_order(n, n if n < customers else rng.randrange(customers), rng) for n in range(count)
    ]


async def run(uri: str, replicas: int, rate: float, seconds: float) -> dict[str, Any]:
    """One installation: warm up, then publish at ``rate`` and time every order."""
    measured = int(rate * seconds)
    batch = orders(WARM_UP + measured)
    async with installation(uri, scaled_sandbox()) as place:
        await place.start_replicas(replicas)
        async with publisher(place) as publish:
            await _paced(publish, batch[:WARM_UP], rate)
            await place.synced_at([o["id"] for o in batch[:WARM_UP]], WITHIN)
            published = await _paced(publish, batch[WARM_UP:], rate)
        synced = await place.synced_at(list(published), WITHIN)
    latencies = sorted((synced[i] - published[i]) * 1000 for i in published)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "replicas": replicas,
        "orders": measured,
        "rate_per_s": rate,
        "p50_ms": cuts[49],
        "p95_ms": cuts[94],
        "p99_ms": cuts[98],
        "max_ms": latencies[-1],
        "mean_ms": statistics.fmean(latencies),
    }


async def _paced(publish: Publish, batch: list[dict[str, Any]], rate: float) -> dict[str, float]:
    """Publish at ``rate`` a second; when each left (epoch seconds), by order id."""
    sent: dict[str, float] = {}
    start = time.monotonic()
    for n, order in enumerate(batch):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        sent[str(order["id"])] = time.time()
        await publish(paid_event(order))
    return sent


def _result(runs: list[dict[str, Any]], rate: float, seconds: float) -> Result:
    rows: list[list[Cell]] = [
        [run["replicas"], run["orders"], round(run["p50_ms"]), round(run["p95_ms"]),
         round(run["p99_ms"]), round(run["max_ms"]), round(run["mean_ms"])]
        for run in runs
    ]  # fmt: skip
    return Result(
        name="latency",
        command=invocation("latency"),
        about=__doc__ or "",
        settings={
            "rate": f"{rate:g} orders a second for {seconds:g} s, after {WARM_UP} warm-up orders",
            "replicas": list(RUNS),
            "sandbox": "no injected latency; time_scale 60, 100 requests a minute, PREMIUM",
            "worker": "budget 90 per 1 s window, 5 in flight",
            "measured": "publish (publisher's clock, before the publish call) to the audit "
            "trail's synced outcome (the replica's clock)",
        },
        tables=[
            Table(
                "Publish to draft invoice (ms)",
                ["replicas", "orders", "p50", "p95", "p99", "max", "mean"],
                rows,
            )
        ],
        targets=[
            Target(f"{run['replicas']} replica(s): p95", run["p95_ms"], P95_MS, unit=" ms")
            for run in runs
        ],
        figures={"runs": runs},
    )


def main() -> None:
    """Entry point: ``python -m bench.latency [--rate R] [--seconds S]``."""
    parser = argparse.ArgumentParser(description="Publish-to-invoice latency at light load.")
    parser.add_argument("--rate", type=float, default=5.0, help="orders a second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to publish")
    args = parser.parse_args()
    configure_logging("console", level=logging.WARNING)
    with mongodb_uri() as uri:
        runs = [asyncio.run(run(uri, n, args.rate, args.seconds)) for n in RUNS]
    finish(_result(runs, args.rate, args.seconds))


if __name__ == "__main__":
    main()
