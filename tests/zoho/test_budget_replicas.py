"""Three replica processes share one budget against the sandbox: not a single 429.

The sandbox runs in this process with a Zoho minute of one real second
(``time_scale=60``) and ``requests_per_minute=R``; each replica is a separate
``python`` process with its own MongoDB connections, allowed 80 % of R per
1000 ms window and the sandbox's concurrency. Only counts are asserted.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests.support.sandbox_client import SandboxClient
from zoho_sandbox import RunningSandbox, SandboxConfig, serving

CHECKOUT = Path(__file__).resolve().parents[2]
ZOHO_RPM = 30
BUDGET = ZOHO_RPM * 8 // 10
PROCESSES = 3
CALLS_EACH = 40


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    """A sandbox whose minute lasts one real second, with a per-minute limit of R."""
    config = SandboxConfig(time_scale=60, requests_per_minute=ZOHO_RPM)
    async with serving(config) as running:
        yield running


async def _replica(
    number: int, sandbox: RunningSandbox, token: str, mongodb_uri: str, database: str
) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.support.budget_replica"),
        *("--mongodb-uri", mongodb_uri, "--database", database, "--api-url", sandbox.api_url),
        *("--organization-id", SandboxConfig().organization_id, "--token", token),
        *("--owner", f"replica-{number}", "--calls", str(CALLS_EACH)),
        *("--requests-per-window", str(BUDGET), "--window-ms", "1000"),
        *("--max-concurrency", "5"),
        cwd=CHECKOUT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    result: dict[str, Any] = json.loads(out)
    return result


async def test_replica_processes_sharing_a_budget_never_meet_a_429(
    sandbox: RunningSandbox, mongodb_uri: str, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    async with aiohttp.ClientSession() as session:
        raw = SandboxClient(sandbox, session)
        books = await raw.connect()
        results = await asyncio.gather(
            *(
                _replica(n, sandbox, books.access_token, mongodb_uri, mongo_db.name)
                for n in range(PROCESSES)
            )
        )
        counters = (await raw.control("GET", "/state")).body["counters"]
        calls = (await raw.control("GET", "/calls?request_class=taxes.list")).body["calls"]
    assert [r["outcomes"] for r in results] == [{"200/0": CALLS_EACH}] * PROCESSES
    assert {k: v for k, v in counters.items() if k.startswith("429")} == {}
    assert [c["status"] for c in calls] == [200] * (PROCESSES * CALLS_EACH)
