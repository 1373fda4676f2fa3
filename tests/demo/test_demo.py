"""``zbsync demo`` runs from a clean state to invoices in the sandbox, as a new user sees it."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from pymongo import AsyncMongoClient

from worker.demo import DEMO_DATABASE
from worker.store.mongo import ZOHO_CONNECTIONS, with_database


async def test_demo_turns_the_sample_orders_into_draft_invoices(
    mongodb_uri: str, amqp_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZBSYNC_")}
    env |= {"ZBSYNC_MONGODB_URI": with_database(mongodb_uri, "unused"), "ZBSYNC_AMQP_URL": amqp_url}
    demo = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        "demo",
        "--state-dir",
        str(tmp_path / "state"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await demo.communicate()
    text = out.decode()

    assert demo.returncode == 0, text + err.decode()
    assert "Invoices in Zoho Books (4):" in text
    assert "ORD-1001" in text
    assert "85.46 EUR  draft" in text  # the update landed on the same draft
    assert "1005   deleted" in text
    assert "Giulia Rossi (giulia.rossi@example.it)" in text  # a second currency, a second contact
    assert "invalid_json" in text
    assert "OpenAPI violations in the worker's requests: 0" in text
    assert (tmp_path / "state" / "demo.env").stat().st_mode & 0o077 == 0
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri)
    stored = await client[DEMO_DATABASE][ZOHO_CONNECTIONS].find_one({})
    await client.drop_database(DEMO_DATABASE)
    await client.close()
    assert stored is not None
    assert "1000." not in str(stored["refresh_token"])  # sealed, not a raw Zoho token
