"""``python -m chaos [--seed N] [--scenarios a,b,...] [--negative-controls]`` (``make chaos``).

Runs the scenarios one after another and prints the checker's table. Exit 1
when any scenario has a duplicate or a lost order (or could not run). With
``--negative-controls`` it runs the broken-worker scenarios instead and exits 0
only if the checker failed each with what it expects: proof that it can.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bench.mongo import mongodb_uri
from worker.logs import configure_logging

from .checker import Row, table
from .runner import run
from .scenarios import NEGATIVE_CONTROLS, SCENARIOS, Scenario


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run, print; the exit code."""
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated keys of {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument("--negative-controls", action="store_true")
    args = parser.parse_args(argv)
    configure_logging("console", logging.WARNING)
    for noisy in ("aiormq", "aio_pika"):  # the suite's own connections while a broker is down
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    if args.negative_controls:
        chosen = list(NEGATIVE_CONTROLS.values())
    else:
        keys = [k.strip() for k in args.scenarios.split(",") if k.strip()]
        unknown = [k for k in keys if k not in SCENARIOS]
        if unknown:
            parser.error(f"unknown scenarios {unknown}; choose from {list(SCENARIOS)}")
        chosen = [SCENARIOS[k] for k in keys]
    rows = asyncio.run(_run_all(chosen, args.seed))
    print(f"chaos, seed {args.seed}\n")
    print(table(rows))
    for row in rows:
        for note in row.notes[:20]:
            print(f"  {row.scenario}: {note}")
    if args.negative_controls:
        return _negative_verdict(chosen, rows)
    return 1 if any(row.failed for row in rows) else 0


async def _run_all(scenarios: list[Scenario], seed: int) -> list[Row]:
    # SIGTERM (a CI job's timeout) cancels the run, so every ``finally`` stops what it started.
    main = asyncio.current_task()
    assert main is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    rows = []
    with mongodb_uri(in_memory=True) as uri:
        for scenario in scenarios:
            print(f"running {scenario.key}: {scenario.title} ...", flush=True)
            rows.append(await run(scenario, seed, uri))
    return rows


def _negative_verdict(scenarios: list[Scenario], rows: list[Row]) -> int:
    caught = True
    for scenario, row in zip(scenarios, rows, strict=True):
        found = {"duplicate": row.duplicate, "lost": row.lost}[scenario.expect or "lost"]
        ok = bool(found) and row.error is None
        caught &= ok
        verdict = "caught" if ok else "NOT caught"
        print(f"negative control {scenario.key}: {scenario.expect} {found} -> {verdict}")
    return 0 if caught else 1


if __name__ == "__main__":
    sys.exit(main())
