"""A whole installation for a benchmark: the sandbox, broker names, a database, worker processes.

The shape of the end-to-end tests' (``tests/e2e/conftest.py``): the Zoho sandbox
serves in this process over loopback HTTP; each replica is a separate
``zbsync run`` process (``tests/support/scaled_worker.py``: the product's
``run_worker`` with the Zoho budget's minute scaled to ``window_ms``), connected
to Zoho through ``ZBSYNC_ZOHO_REFRESH_TOKEN`` as an operator would. The
sandbox's clock runs ``SCALE`` times faster (a Zoho minute lasts a second) and
the worker's budget counts its requests per second to match; access tokens
still last an hour of real time.

Everything made here is removed when the block ends, however it ends: worker
processes stopped (SIGTERM, SIGKILL after a grace), queues and exchanges
deleted, the database dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.fernet import Fernet
from pymongo import AsyncMongoClient

from tests.support.rabbit import RabbitNames, delete_declared
from tests.support.sandbox_client import CLIENT, SandboxClient
from tests.support.scaled_worker import WINDOW_ENV
from tests.support.worker_process import WorkerProcess
from tests.support.zoho_fixtures import add_fault
from worker.messaging.topology import Topology
from worker.store.audit import AUDIT
from worker.store.mongo import Database, Document, open_database, with_database
from zoho_sandbox import RunningSandbox, SandboxConfig, serving

AMQP_URL = os.environ.get("ZBSYNC_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
SCALE = 60  # sandbox seconds per real second: a Zoho minute lasts one second
SCALED_WORKER = ("-m", "tests.support.scaled_worker")
STOP_GRACE = 20.0  # seconds a replica gets to stop on SIGTERM before it is killed


def scaled_sandbox(**changes: Any) -> SandboxConfig:
    """Zoho's limits on a paid plan, its minute lasting a second; the daily cap out of the way.

    An access token still lives an hour of real time, as at Zoho: scaled down with the clock it
    would expire every minute, which the worker (reading ``expires_in`` as real seconds) would
    only learn from a 401.
    """
    base: dict[str, Any] = {
        "time_scale": SCALE,
        "requests_per_minute": 100,
        "plan_name": "PREMIUM",
        "daily_limit": 1_000_000,
        "access_token_ttl": 3600 * SCALE,
    }
    return SandboxConfig(**{**base, **changes})


def scaled_budget(requests_per_second: int = 90) -> dict[str, str]:
    """The worker's budget: the product's 90 a minute, counted per second like the sandbox."""
    return {
        "ZBSYNC_ZOHO_REQUESTS_PER_MINUTE": str(requests_per_second),
        WINDOW_ENV: "1000",
        "ZBSYNC_ZOHO_DAILY_LIMIT": "1000000",
    }


@dataclass
class Installation:
    """What the replicas talk to, and the replicas."""

    sandbox: RunningSandbox
    http: aiohttp.ClientSession
    db: Database
    amqp_url: str
    topology: Topology
    env: dict[str, str]
    replicas: list[WorkerProcess] = field(default_factory=list)

    async def start_replicas(self, count: int, **env: str) -> list[WorkerProcess]:
        """``count`` more ``zbsync run`` processes; returns once each consumes."""
        started = await asyncio.gather(
            *(
                WorkerProcess.start({**self.env, **env}, SCALED_WORKER, keep_lines=False)
                for _ in range(count)
            )
        )
        self.replicas.extend(started)
        return list(started)

    async def stop_replicas(self) -> None:
        """SIGTERM every replica; SIGKILL those still running after ``STOP_GRACE``."""
        try:
            async with asyncio.timeout(STOP_GRACE):
                await asyncio.gather(*(replica.stop() for replica in self.replicas))
        except TimeoutError:
            for replica in self.replicas:
                await replica.kill()
        self.replicas.clear()

    async def synced_at(self, ids: list[str], within: float) -> dict[str, float]:
        """Once every order in ``ids`` is ``synced``: when each first became so (epoch seconds).

        From the audit trail's ``outcome`` entries, stamped by the worker that synced the order
        (written right after the state, so they are what is waited for).
        """
        outcomes = {"order_id": {"$in": ids}, "kind": "outcome", "state": "synced"}
        first: dict[str, float] = {}
        async with asyncio.timeout(within):
            while len(first) < len(ids):
                await asyncio.sleep(0.1)
                async for entry in self.db[AUDIT].find(outcomes, {"order_id": 1, "at_ms": 1}):
                    at = entry["at_ms"] / 1000
                    first[entry["order_id"]] = min(first.get(entry["order_id"], at), at)
        return first

    async def calls(self, since: int = 0) -> list[dict[str, Any]]:
        """The sandbox's call log after sequence number ``since``."""
        url = f"{self.sandbox.origin}/_sandbox/calls"
        async with self.http.get(url, params={"since": str(since)}) as resp:
            body: dict[str, list[dict[str, Any]]] = await resp.json()
        return body["calls"]

    async def counters(self) -> dict[str, int]:
        """The sandbox's tallies (429s, mints, schema violations, faults fired)."""
        async with self.http.get(f"{self.sandbox.origin}/_sandbox/state") as resp:
            state: dict[str, Any] = await resp.json()
        return {str(k): int(v) for k, v in state["counters"].items()}

    async def fault(self, request_class: str, mode: str, times: int = 1) -> None:
        """Make the sandbox fail the next ``times`` requests of a class."""
        await add_fault(self.http, self.sandbox, request_class, mode, times)

    async def wall_clock(self) -> Callable[[float], float]:
        """A map from sandbox seconds (the call log's ``time``) to epoch seconds.

        Valid until the sandbox's clock is advanced or rescaled again.
        """
        before = time.time()
        clock = await self.control("POST", "/clock", {})
        wall = (before + time.time()) / 2
        now, scale = float(clock["now"]), float(clock["scale"])
        return lambda sandbox_seconds: wall + (sandbox_seconds - now) / scale

    async def control(self, method: str, path: str, body: object = None) -> Document:
        """Call the sandbox's control API under ``/_sandbox``."""
        response = await SandboxClient(self.sandbox, self.http).control(method, path, body)
        return response.body


@contextlib.asynccontextmanager
async def installation(
    mongodb_uri: str,
    config: SandboxConfig,
    env: Mapping[str, str] | None = None,
    *,
    amqp_url: str = AMQP_URL,
) -> AsyncIterator[Installation]:
    """A sandbox, a database and broker names of their own, and the replicas' environment.

    ``amqp_url``: the broker (the shared one unless a caller brings a node of its own).
    """
    tag = uuid.uuid4().hex[:8]
    names = RabbitNames(f"bench.{tag}.orders", f"bench.{tag}.queue", f"bench.{tag}.queue.dead")
    database = f"bench_{tag}"
    mongo, db = open_database(with_database(mongodb_uri, database))
    try:
        async with serving(config) as sandbox, aiohttp.ClientSession() as http:
            refresh_token = (await SandboxClient(sandbox, http).connect()).refresh_token
            place = Installation(
                sandbox,
                http,
                db,
                amqp_url,
                Topology(names.exchange, names.queue, names.dead_letter_queue),
                _worker_env(
                    names,
                    with_database(mongodb_uri, database),
                    sandbox,
                    refresh_token,
                    amqp_url,
                ),
            )
            place.env.update(env or {})
            try:
                yield place
            finally:
                await place.stop_replicas()
    finally:
        await delete_declared(amqp_url, names)
        await _drop(mongo, database)


async def _drop(mongo: AsyncMongoClient[Document], database: str) -> None:
    await mongo.drop_database(database)
    await mongo.close()


def _worker_env(
    names: RabbitNames,
    mongodb_uri: str,
    sandbox: RunningSandbox,
    refresh_token: str,
    amqp_url: str,
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZBSYNC_")}
    return env | {
        "ZBSYNC_AMQP_URL": amqp_url,
        "ZBSYNC_MONGODB_URI": mongodb_uri,
        "ZBSYNC_EXCHANGE": names.exchange,
        "ZBSYNC_QUEUE": names.queue,
        "ZBSYNC_DEAD_LETTER_QUEUE": names.dead_letter_queue,
        "ZBSYNC_ZOHO_CLIENT_ID": CLIENT.client_id,
        "ZBSYNC_ZOHO_CLIENT_SECRET": CLIENT.client_secret,
        "ZBSYNC_ZOHO_REFRESH_TOKEN": refresh_token,
        "ZBSYNC_ZOHO_ORGANIZATION_ID": sandbox.config.organization_id,
        "ZBSYNC_ZOHO_ACCOUNTS_URL": sandbox.accounts_url,
        "ZBSYNC_ZOHO_API_URL": sandbox.api_url,
        "ZBSYNC_ADMIN_TOKEN": "bench-admin-token",
        "ZBSYNC_HTTP_PORT": "0",  # replicas run side by side: each its own free port
        "ZBSYNC_SECRET_KEY": Fernet.generate_key().decode(),
        "ZBSYNC_SHUTDOWN_GRACE": "5",
        "ZBSYNC_LOG_FORMAT": "json",
        **scaled_budget(),
    }


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident set so far (``VmHWM`` in ``/proc/<pid>/status``), in MiB."""
    return _status_kib(pid, "VmHWM") / 1024


def rss_mib(pid: int) -> float:
    """A process's resident set now (``VmRSS``), in MiB."""
    return _status_kib(pid, "VmRSS") / 1024


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise LookupError(f"{key} not in /proc/{pid}/status")
