"""Benchmark: Zoho requests per minute sustained through the shared budget, 1 and 3 processes.

Run from the checkout: ``.venv/bin/python -m bench.budget`` (outside ``make test``).

Settings (printed with the figures):

- Sandbox in this process, time scaled: ``time_scale=60``, so one Zoho minute is
  one real second; ``requests_per_minute=100`` (Zoho's limit), plan PREMIUM
  (10 requests in flight, 10,000 a day).
- Budget: ``requests_per_window=90`` per ``window_ms=1000`` (the product's 90 a
  minute, scaled like the sandbox), ``max_concurrency=5`` (the default); a last
  run at 100 (Zoho's own limit, no headroom) shows why the default leaves 10 %.
- Each client process (``tests/support/budget_replica.py``) runs 8 tasks that
  call ``GET /settings/taxes`` through a LIVE slot; 900 calls in all, split
  between the processes.
- MongoDB: ``ZBSYNC_TEST_MONGODB_URI`` when set, else a fresh nx-27017.

Figures come from the sandbox's call log (arrival times in sandbox seconds):
calls in each whole Zoho minute from the first arrival and their mean, the
busiest sliding minute as the sandbox saw it (arrivals can bunch a little
beyond the grants' spacing: the reason for the 10 % headroom), and 429s.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.nx_server import running_nx
from tests.support.sandbox_client import SandboxClient
from zoho_sandbox import RunningSandbox, SandboxConfig, serving

CHECKOUT = Path(__file__).resolve().parents[1]
CONFIG = SandboxConfig(time_scale=60, requests_per_minute=100, plan_name="PREMIUM")
# (client processes, budget per window): the product's 90, then no headroom at all.
RUNS = ((1, 90), (3, 90), (3, 100))
MAX_CONCURRENCY = 5
TOTAL_CALLS = 900
TASKS_PER_PROCESS = 8


async def _replica(
    number: int,
    calls: int,
    budget: int,
    *,
    sandbox: RunningSandbox,
    token: str,
    mongo: tuple[str, str],
) -> None:
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.support.budget_replica", "--mongodb-uri", mongo[0]),
        *("--database", mongo[1], "--api-url", sandbox.api_url, "--token", token),
        *("--organization-id", CONFIG.organization_id, "--owner", f"bench-{number}"),
        *("--calls", str(calls), "--tasks", str(TASKS_PER_PROCESS)),
        *("--requests-per-window", str(budget), "--window-ms", "1000"),
        *("--max-concurrency", str(MAX_CONCURRENCY)),
        cwd=CHECKOUT,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"replica {number} failed")
    json.loads(out)


def _figures(arrivals: list[float], minute: float) -> dict[str, Any]:
    """Calls in each whole Zoho minute from the first arrival, their mean, the busiest minute."""
    arrivals.sort()
    start, whole = arrivals[0], int((arrivals[-1] - arrivals[0]) // minute)
    per_minute = [
        sum(1 for t in arrivals if start + i * minute <= t < start + (i + 1) * minute)
        for i in range(whole)
    ]
    busiest, first = 0, 0
    for last, t in enumerate(arrivals):
        while arrivals[first] <= t - minute:
            first += 1
        busiest = max(busiest, last - first + 1)
    return {"per_minute": per_minute, "mean": statistics.fmean(per_minute), "busiest": busiest}


async def _measure(
    processes: int, budget: int, sandbox: RunningSandbox, uri: str
) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        raw = SandboxClient(sandbox, session)
        await raw.control("POST", "/reset")
        token = (await raw.connect()).access_token
        mongo = (uri, f"bench_{uuid.uuid4().hex[:8]}")
        each = TOTAL_CALLS // processes
        await asyncio.gather(
            *(
                _replica(n, each, budget, sandbox=sandbox, token=token, mongo=mongo)
                for n in range(processes)
            )
        )
        counters = (await raw.control("GET", "/state")).body["counters"]
        calls = (await raw.control("GET", "/calls?request_class=taxes.list")).body["calls"]
    arrivals = [float(c["time"]) for c in calls if c["status"] == 200]
    rejected = {k: v for k, v in counters.items() if k.startswith("429")}
    return {
        "processes": processes,
        "budget": budget,
        "ok": len(arrivals),
        "429": rejected,
        **_figures(arrivals, CONFIG.minute_window),
    }


async def _main(uri: str) -> None:
    async with serving(CONFIG.model_copy()) as sandbox:
        print(_settings())
        for processes, budget in RUNS:
            row = await _measure(processes, budget, sandbox, uri)
            print(
                f"{row['processes']} process(es), budget {row['budget']}: {row['ok']} calls ok, "
                f"{row['mean']:.1f}/min sustained (whole minutes: {row['per_minute']}), "
                f"busiest sliding minute {row['busiest']}, 429s: {row['429'] or 'none'}"
            )


def _settings() -> str:
    return (
        f"sandbox: time_scale={CONFIG.time_scale} (1 Zoho minute = 1 real second), "
        f"requests_per_minute={CONFIG.requests_per_minute}, plan {CONFIG.plan_name}\n"
        f"budget: per 1000 ms window as shown, max_concurrency={MAX_CONCURRENCY}; "
        f"{TOTAL_CALLS} calls, {TASKS_PER_PROCESS} tasks per process"
    )


def main() -> None:
    """Run against ``ZBSYNC_TEST_MONGODB_URI`` or a throw-away nx-27017."""
    real = os.environ.get("ZBSYNC_TEST_MONGODB_URI")
    if real:
        asyncio.run(_main(real))
        return
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_nx(Path(workdir), data_dir="memory") as nx,
    ):
        asyncio.run(_main(nx.uri))


if __name__ == "__main__":
    main()
