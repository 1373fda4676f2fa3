"""Benchmark: peak memory of each replica through a burst of 10,000 paid orders, 3 replicas.

Run: ``make bench-burst`` (or ``.venv/bin/python -m bench.burst [--orders N]``).

``N`` paid orders (default 10,000; ``bench.sample_orders``, 70 % from repeat
customers) are published as fast as the broker confirms them to three
``zbsync run`` processes that are already consuming. The run ends after
``--seconds`` (default 240: the whole burst is taken in within the first
twenty, and then about a third is synced on this machine, where the nx-27017
stand-in for MongoDB sets the pace), or with ``--until-synced`` when every
order is synced (11 to 14 minutes here, with other work running). Each replica's
resident memory is read from ``/proc/<pid>/status`` every two seconds
(``VmRSS``) and its peak at the end (``VmHWM``, the kernel's high-water mark).
MongoDB is an in-memory nx-27017 (its speed, not the replicas', sets the pace
on this machine) unless ``ZBSYNC_TEST_MONGODB_URI`` names one.

The point is memory, so Zoho's limits are lifted in the sandbox (real time,
1,000,000 requests a minute, 10 in flight, no daily cap to speak of) and the
workers' budget is 100 requests per 200 ms window (500 a second) with 10 in
flight; the time it takes is what this machine's 2 cores give, not what Zoho
would allow.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import time
from typing import Any

from bench.mongo import mongodb_uri
from bench.render import finish
from bench.report import Cell, Result, Table, Target, invocation
from bench.sample_orders import paid_event, paid_order
from bench.stack import Installation, installation, peak_rss_mib, rss_mib, scaled_sandbox
from tests.support.scaled_worker import WINDOW_ENV
from tests.support.workload_run import publisher, queue_depth
from worker.logs import configure_logging
from worker.store.orders import ORDERS

REPLICAS = 3
UNTIL_SYNCED_S = 1800.0  # a bound for --until-synced
RSS_MIB = 150e6 / 2**20  # target: peak RSS per replica under 150 MB (143 MiB)
SAMPLE_S = 2.0  # between readings: RSS, queue depth, orders synced (VmHWM catches any peak)
SANDBOX = {"time_scale": 1, "requests_per_minute": 1_000_000, "max_concurrency": 10}
WORKER_ENV = {
    "ZBSYNC_ZOHO_REQUESTS_PER_MINUTE": "100",
    WINDOW_ENV: "200",
    "ZBSYNC_ZOHO_MAX_CONCURRENCY": "10",
}


def orders(count: int) -> list[dict[str, Any]]:
    """``count`` paid orders; the first 30 % each a new customer's, the rest repeat purchases."""
    rng = random.Random(17)  # noqa: S311 - sample data, not secrets
    customers = max(1, int(count * 0.3))
    return [
        paid_order(n, n if n < customers else rng.randrange(customers), rng) for n in range(count)
    ]


async def run(uri: str, count: int, limit: float) -> dict[str, Any]:
    """Publish the burst, sample memory until every order is synced or ``limit`` seconds."""
    async with installation(uri, scaled_sandbox(**SANDBOX), WORKER_ENV) as place:
        replicas = await place.start_replicas(REPLICAS)
        pids = [r.process.pid for r in replicas]
        idle = [rss_mib(pid) for pid in pids]
        samples: list[dict[str, Any]] = []
        started = time.monotonic()
        sampling = asyncio.create_task(_sample(place, pids, started, samples))
        async with publisher(place) as publish:
            for order in orders(count):
                await publish(paid_event(order))
        published = time.monotonic() - started
        synced = await _until_synced(place, count, started + limit)
        elapsed = time.monotonic() - started
        peaks = [peak_rss_mib(pid) for pid in pids]
        sampling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampling
    return {
        "orders": count,
        "limit_s": limit,
        "synced": synced,
        "published_s": published,
        "seconds": elapsed,
        "idle_rss_mib": idle,
        "peak_rss_mib": peaks,
        "samples": samples,
    }


async def _sample(
    place: Installation, pids: list[int], started: float, samples: list[dict[str, Any]]
) -> None:
    while True:
        samples.append({
            "s": round(time.monotonic() - started, 1),
            "rss_mib": [round(rss_mib(pid), 1) for pid in pids],
            "queued": await queue_depth(place, place.topology.queue),
            "synced": await place.db[ORDERS].count_documents({"state": "synced"}),
        })  # fmt: skip
        await asyncio.sleep(SAMPLE_S)


async def _until_synced(place: Installation, count: int, deadline: float) -> int:
    """Orders synced when all are, or at the ``deadline`` (monotonic seconds)."""
    while time.monotonic() < deadline:
        synced = await place.db[ORDERS].count_documents({"state": "synced"})
        if synced >= count:
            return synced
        await asyncio.sleep(SAMPLE_S)
    return int(await place.db[ORDERS].count_documents({"state": "synced"}))


def _result(run: dict[str, Any]) -> Result:
    rows: list[list[Cell]] = [
        [f"replica {n + 1}", round(idle, 1), round(max(s["rss_mib"][n] for s in run["samples"]), 1),
         round(peak, 1)]
        for n, (idle, peak) in enumerate(zip(run["idle_rss_mib"], run["peak_rss_mib"], strict=True))
    ]  # fmt: skip
    progress = [
        [s["s"], s["queued"], s["synced"], *s["rss_mib"]]
        for s in run["samples"][:: max(1, len(run["samples"]) // 12)]
    ]
    return Result(
        name="burst",
        command=invocation("burst"),
        about=__doc__ or "",
        settings={
            "orders": run["orders"],
            "replicas": REPLICAS,
            "sandbox": "real time; 1,000,000 requests a minute, 10 in flight, PREMIUM, "
            "daily cap 1,000,000",
            "until": "every order synced"
            if run["limit_s"] >= UNTIL_SYNCED_S
            else f"{run['limit_s']:.0f} s after the first publish",
            "worker": "budget 100 per 200 ms window, 10 in flight; prefetch 32 (the default)",
        },
        tables=[
            Table(
                f"Resident memory (MiB): {run['synced']:,} of {run['orders']:,} orders synced in "
                f"{run['seconds']:.0f} s (published in {run['published_s']:.0f} s)",
                ["replica", "idle, consuming", "highest VmRSS sampled", "peak (VmHWM)"],
                rows,
            ),
            Table(
                "Progress (a sample of the readings)",
                ["s", "queued", "synced", *(f"RSS {n + 1}" for n in range(REPLICAS))],
                progress,
            ),
        ],
        targets=[
            Target(f"replica {n + 1}: peak RSS (150 MB = 143 MiB)", peak, RSS_MIB, unit=" MiB")
            for n, peak in enumerate(run["peak_rss_mib"])
        ],
        figures=run,
        notes=[]
        if run["synced"] >= run["orders"]
        else [f"stopped after {run['seconds']:.0f} s with {run['synced']:,} orders synced"],
    )


def main() -> None:
    """Entry point: ``python -m bench.burst [--orders N]``."""
    parser = argparse.ArgumentParser(description="Peak memory per replica through a burst.")
    parser.add_argument("--orders", type=int, default=10_000, help="orders in the burst")
    parser.add_argument("--seconds", type=float, default=240.0, help="how long to watch")
    parser.add_argument("--until-synced", action="store_true", help="watch until all synced")
    args = parser.parse_args()
    limit = UNTIL_SYNCED_S if args.until_synced else args.seconds
    configure_logging("console", level=logging.WARNING)
    with mongodb_uri(in_memory=True) as uri:
        finish(_result(asyncio.run(run(uri, args.orders, limit))))


if __name__ == "__main__":
    main()
