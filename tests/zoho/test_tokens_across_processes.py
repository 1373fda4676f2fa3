"""Several worker processes share one token: an expired token is refreshed exactly once."""

from __future__ import annotations

import asyncio
import sys

import aiohttp

from tests.support.zoho_fixtures import sandbox_counter
from worker.clock import SystemClock
from worker.domain.connection import StoredConnection
from worker.store.connection import ConnectionRepository
from worker.store.mongo import Database
from zoho_sandbox import RunningSandbox

REPLICAS = 3


async def test_three_processes_meeting_an_expired_token_cause_exactly_one_mint(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    mongodb_uri: str,
    mongo_db: Database,
    secret_key: str,
    connected: StoredConnection,
    connections: ConnectionRepository,
) -> None:
    expired = connected.replace(
        access_token="1000.expired",
        access_expires_at_ms=SystemClock().now_ms() - 1,
        expires_in=3600,
    )
    assert await connections.save(expired) is not None
    mints_before = await sandbox_counter(http, sandbox, "mints")

    replicas = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.support.token_replica",
            mongodb_uri,
            mongo_db.name,
            secret_key,
            sandbox.accounts_url,
            f"replica-{n}",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for n in range(REPLICAS)
    ]
    for replica in replicas:
        assert replica.stdout is not None
        assert (await replica.stdout.readline()).strip() == b"ready"
    for replica in replicas:
        assert replica.stdin is not None
        replica.stdin.write(b"go\n")
        await replica.stdin.drain()
    outputs = [(await replica.communicate())[0].decode().split() for replica in replicas]

    assert [replica.returncode for replica in replicas] == [0] * REPLICAS
    assert len({tuple(output) for output in outputs}) == 1, "every replica got the same token"
    assert await sandbox_counter(http, sandbox, "mints") == mints_before + 1
