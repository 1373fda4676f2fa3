"""One replica for ``bench.tokens``: calls Zoho through the full client for a while.

Usage: python -m bench.token_replica MONGODB_URI DB SECRET_KEY ORIGIN SECONDS
Prints the number of successful calls.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

import aiohttp
from pydantic import HttpUrl, SecretStr

from worker.bootstrap import build_zoho, replica_name
from worker.config import Settings
from worker.domain.lanes import Lane
from worker.logs import configure_logging
from worker.store.mongo import open_database
from zoho_sandbox import OAuthClient

PACE_SECONDS = 2.5  # three replicas: 72 calls a minute, under the 90 budget


async def main(uri: str, db_name: str, key: str, origin: str, seconds: float) -> int:
    """Call ``GET /settings/currencies`` until the time is up; the number of calls made."""
    configure_logging("json", level=logging.WARNING)
    client = OAuthClient()
    settings = Settings(
        _env_file=None,
        zoho_client_id=client.client_id,
        zoho_client_secret=SecretStr(client.client_secret),
        zoho_accounts_url=HttpUrl(origin),
        zoho_api_url=HttpUrl(origin + "/books/v3"),
        secret_key=SecretStr(key),
    )
    mongo, _ = open_database(uri)
    calls = 0
    async with aiohttp.ClientSession() as http:
        zoho = build_zoho(settings, mongo[db_name], http, "20061234567", owner=replica_name())
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await zoho.books.currencies(Lane.LIVE)
            calls += 1
            await asyncio.sleep(PACE_SECONDS)  # steady load under the budget, not a burst
    await mongo.close()
    return calls


if __name__ == "__main__":
    uri, db, key, origin, seconds = sys.argv[1:6]
    print(asyncio.run(main(uri, db, key, origin, float(seconds))))
