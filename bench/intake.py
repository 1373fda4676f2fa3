"""Benchmark: events stored and acknowledged per second per replica, beside raw MongoDB upserts.

Run: ``make bench-intake`` (or ``.venv/bin/python -m bench.intake [--events N]``).

Zoho is out of the way: the replicas run with ``ZBSYNC_AUTO_SYNC=false``, so a
paid order is stored, acknowledged, and its pass settles it ``pending`` without
a Zoho call (the pass's own few writes — lease, state, audit — share the
database with the intake, as they do in production). ``N`` ``order.paid``
events of distinct orders (default 3,000) are queued first; then 1, and in a
second installation 3, ``zbsync run`` processes start and drain the queue. The
intake rate is ``N`` over the span of the audit trail's ``event`` entries (each
written when an event is stored, just before its acknowledgement), per replica
divided by the number of replicas.

Beside it, in the same run and on the same MongoDB server, before the replicas
start: a plain loop of ``update_one(..., upsert=True)`` of one order document
each, with the store's write concern (``w="majority"``, ``j=true``, see
``worker/store/mongo.py``), one at a time from one client — the server's raw
single-document upsert rate. MongoDB is ``ZBSYNC_TEST_MONGODB_URI`` when set,
else a fresh nx-27017 on disk (SQLite underneath: see
``../shared/mongodb-in-tests.md``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
import uuid
from typing import Any

from bench.calls import CallFigures
from bench.mongo import mongodb_uri
from bench.render import finish
from bench.report import Cell, Result, Table, Target, invocation
from bench.sample_orders import paid_event, paid_order
from bench.stack import Installation, installation, scaled_sandbox
from tests.support.workload_run import publisher, queue_depth
from worker.logs import configure_logging
from worker.store.audit import AUDIT
from worker.store.mongo import Database

RUNS = (1, 3)  # replicas
RAW_UPSERTS = 2_000
WITHIN = 300.0  # seconds; a bound for a run that went wrong
SHARE_OF_RAW = 0.5  # target: intake per replica at least half the raw upsert rate


async def raw_upserts(db: Database, count: int) -> float:
    """Upserts per second of one client writing one order document at a time."""
    collection = db[f"raw_{uuid.uuid4().hex[:8]}"]
    documents = _orders(count)
    started = time.monotonic()
    for document in documents:
        await collection.update_one({"_id": document["id"]}, {"$set": document}, upsert=True)
    seconds = time.monotonic() - started
    await collection.drop()
    return count / seconds


def _orders(count: int) -> list[dict[str, Any]]:
    rng = random.Random(5)  # noqa: S311 - sample data, not secrets
    return [paid_order(n, n % 300, rng) for n in range(count)]


async def run(uri: str, replicas: int, events: int) -> dict[str, Any]:
    """One installation: the raw rate, then ``replicas`` replicas draining ``events`` events."""
    async with installation(uri, scaled_sandbox(), {"ZBSYNC_AUTO_SYNC": "false"}) as place:
        raw = await raw_upserts(place.db, RAW_UPSERTS)
        started = time.monotonic()
        async with publisher(place) as publish:
            for order in _orders(events):
                await publish(paid_event(order))
        publishing = time.monotonic() - started
        await place.start_replicas(replicas)
        first, last = await _intake_span(place, events)
        calls = CallFigures.of(await place.calls())
    rate = events / (last - first)
    return {
        "replicas": replicas,
        "events": events,
        "raw_upserts_per_s": raw,
        "events_per_s": rate,
        "events_per_s_per_replica": rate / replicas,
        "intake_seconds": last - first,
        "publish_per_s": events / publishing,
        "zoho_calls": dict(calls.by_class()),
    }


async def _intake_span(place: Installation, events: int) -> tuple[float, float]:
    """Once every event is stored and the queue empty: the first and last storing (seconds)."""
    entries = place.db[AUDIT]
    async with asyncio.timeout(WITHIN):
        while (  # noqa: ASYNC110 - the replicas are other processes
            await entries.count_documents({"kind": "event"}) < events
            or await queue_depth(place, place.topology.queue) > 0
        ):
            await asyncio.sleep(0.2)
    stamps = [e["at_ms"] async for e in entries.find({"kind": "event"}, {"at_ms": 1})]
    return min(stamps) / 1000, max(stamps) / 1000


def _result(runs: list[dict[str, Any]]) -> Result:
    rows: list[list[Cell]] = [
        [
            run["replicas"],
            run["events"],
            round(run["events_per_s"]),
            round(run["events_per_s_per_replica"]),
            round(run["raw_upserts_per_s"]),
            run["events_per_s_per_replica"] / run["raw_upserts_per_s"],
            round(run["intake_seconds"], 1),
            sum(run["zoho_calls"].values()),
        ]
        for run in runs
    ]
    table = Table(
        "Intake with auto sync off, beside the raw upsert rate of the same server",
        ["replicas", "events", "events/s", "events/s per replica", "raw upserts/s",
         "per replica / raw", "seconds", "Zoho calls"],
        rows,
    )  # fmt: skip
    targets = [
        Target(f"{run['replicas']} replica(s): intake per replica / raw upserts",
               run["events_per_s_per_replica"] / run["raw_upserts_per_s"], SHARE_OF_RAW,
               sense="above")
        for run in runs
    ]  # fmt: skip
    return Result(
        name="intake",
        command=invocation("intake"),
        about=__doc__ or "",
        settings={
            "events": runs[0]["events"],
            "replicas": list(RUNS),
            "worker": "ZBSYNC_AUTO_SYNC=false; prefetch 32 (the default)",
            "raw_upserts": f"{RAW_UPSERTS:,} sequential update_one(upsert=True), "
            "w=majority, j=true",
            "mongodb": "ZBSYNC_TEST_MONGODB_URI if set, else nx-27017 on disk",
        },
        tables=[table],
        targets=targets,
        figures={"runs": runs},
    )


async def main_async(uri: str, events: int) -> Result:
    """Each replica count on an installation of its own, on one MongoDB server."""
    return _result([await run(uri, replicas, events) for replicas in RUNS])


def main() -> None:
    """Entry point: ``python -m bench.intake [--events N]``."""
    parser = argparse.ArgumentParser(description="Events stored per second per replica.")
    parser.add_argument("--events", type=int, default=3000, help="events to take in")
    args = parser.parse_args()
    configure_logging("console", level=logging.WARNING)
    with mongodb_uri() as uri:
        finish(asyncio.run(main_async(uri, args.events)))


if __name__ == "__main__":
    main()
