"""Benchmark: access-token mints with several replicas sharing one connection.

Run from the checkout: ``.venv/bin/python -m bench.tokens`` (outside ``make test``).

Settings (printed with the figures): the sandbox in this process with real time
and a short token life (``access_token_ttl=20`` s, so the client refreshes when
2 s are left); ``REPLICAS`` separate OS processes (``bench/token_replica.py``)
each calling ``GET /settings/currencies`` through the full client (shared
token, budget of 90/minute, 5 in flight) every 2.5 s for ``SECONDS``; MongoDB from
``ZBSYNC_TEST_MONGODB_URI`` or a fresh nx-27017.

Reported: calls made, mints seen by the sandbox, mints per token lifetime
(1.0 means one replica refreshed for everyone), and what that is per 10 minutes
at Zoho's real one-hour token life. "Access Denied" answers are counted too.
"""

from __future__ import annotations

import asyncio
import sys
import uuid

import aiohttp
from cryptography.fernet import Fernet, MultiFernet
from pymongo import AsyncMongoClient

from bench.mongo import mongodb_uri
from worker.clock import SystemClock
from worker.store.connection import ConnectionRepository
from worker.zoho.connect import store_refresh_token
from worker.zoho.oauth import OAuthClientCredentials, TokenEndpoint
from zoho_sandbox import OAuthClient, SandboxConfig, serving

REPLICAS = 3
SECONDS = 60.0
TTL = 20
SCOPES = "ZohoBooks.settings.READ"


async def _connect(origin: str, uri: str, db: str, key: str) -> None:
    client = OAuthClient()
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{origin}/_sandbox/oauth/code", json={"client_id": client.client_id, "scope": SCOPES}
        ) as resp:
            code = (await resp.json())["code"]
        creds = OAuthClientCredentials(client.client_id, client.client_secret)
        minted = await TokenEndpoint(http, origin, creds).exchange_code(code, "http://localhost/cb")
    mongo: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(uri)
    repository = ConnectionRepository(mongo[db], MultiFernet([Fernet(key)]))
    assert minted.refresh_token is not None
    await store_refresh_token(
        repository,
        SystemClock(),
        data_center="com",
        client_id=client.client_id,
        refresh_token=minted.refresh_token,
    )
    await mongo.close()


async def _counters(origin: str) -> dict[str, int]:
    async with aiohttp.ClientSession() as http, http.get(f"{origin}/_sandbox/state") as resp:
        return {k: int(v) for k, v in (await resp.json())["counters"].items()}


async def run(uri: str) -> None:
    """Run the replicas and print the figures."""
    db, key = f"bench_{uuid.uuid4().hex[:8]}", Fernet.generate_key().decode()
    async with serving(SandboxConfig(access_token_ttl=TTL, plan_name="PREMIUM")) as sandbox:
        await _connect(sandbox.origin, uri, db, key)
        replicas = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.token_replica",
                uri,
                db,
                key,
                sandbox.origin,
                str(SECONDS),
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(REPLICAS)
        ]
        calls = [int((await r.communicate())[0]) for r in replicas]
        counters = await _counters(sandbox.origin)
    refresh_mints = counters.get("mints", 0) - 1  # the first was the code exchange
    lifetimes = SECONDS / (TTL - TTL * 0.1)
    print(f"replicas={REPLICAS} seconds={SECONDS} token_ttl={TTL}s calls={sum(calls)} {calls}")
    print(
        f"refresh mints={refresh_mints}  access_denied={counters.get('oauth.access_denied', 0)}"
        f"  429s={sum(v for k, v in counters.items() if k.startswith('429.'))}"
    )
    print(f"mints per token lifetime={refresh_mints / lifetimes:.2f} (1.00 = one refresh for all)")
    print(
        f"at Zoho's 3600 s tokens: {refresh_mints / lifetimes * 600 / 3300:.2f} mints "
        "per 10 minutes (limit 10)"
    )


def main() -> None:
    """Entry point."""
    with mongodb_uri() as uri:
        asyncio.run(run(uri))


if __name__ == "__main__":
    main()
