"""A stand-alone replica for cross-process token tests.

Usage: python -m tests.support.token_replica MONGODB_URI DB_NAME SECRET_KEY ACCOUNTS_URL OWNER
Prints "ready", waits for a line on stdin, asks for an access token, prints
its SHA-256 (never the token) and the outcome.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys

import aiohttp
from cryptography.fernet import Fernet, MultiFernet

from worker.clock import SystemClock
from worker.logs import configure_logging
from worker.store.connection import ConnectionRepository
from worker.store.mongo import open_database
from worker.zoho.oauth import OAuthClientCredentials, TokenEndpoint
from worker.zoho.tokens import TokenManager
from zoho_sandbox import OAuthClient


async def main(uri: str, db_name: str, key: str, accounts_url: str, owner: str) -> None:
    """Wait for the go signal, then get a token like a worker would."""
    configure_logging("json")
    client = OAuthClient()
    mongo, _ = open_database(uri)
    async with aiohttp.ClientSession() as http:
        endpoint = TokenEndpoint(
            http, accounts_url, OAuthClientCredentials(client.client_id, client.client_secret)
        )
        repository = ConnectionRepository(mongo[db_name], MultiFernet([Fernet(key)]))
        tokens = TokenManager(repository, lambda _: endpoint, SystemClock(), owner=owner)
        await repository.load()  # connect before the race
        print("ready", flush=True)  # noqa: T201 - the test reads stdout
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        token = await tokens.access_token()
        digest = hashlib.sha256(token.encode()).hexdigest()
        print("token", digest, flush=True)  # noqa: T201
    await mongo.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
