"""``zbsync demo`` runs from a clean state to a printed tour of the sandbox."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.support.uris import with_database
from worker.store.mongo import ZOHO_CONNECTIONS, Database


async def test_demo_connects_and_reads_the_sandbox_through_the_worker_client(
    mongodb_uri: str, mongo_db: Database, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZBSYNC_")}
    env["ZBSYNC_MONGODB_URI"] = with_database(mongodb_uri, mongo_db.name)
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

    assert demo.returncode == 0, err.decode()
    assert "Organization Sandbox Shop S.r.l. (20061234567)" in text
    assert "IVA 22%" in text
    assert "Currencies: EUR (base)" in text
    assert (tmp_path / "state" / "demo.env").stat().st_mode & 0o077 == 0
    stored = await mongo_db[ZOHO_CONNECTIONS].find_one({})
    assert stored is not None
    assert stored["status"] == "connected"
    assert "1000." not in str(stored["refresh_token"])  # sealed, not a raw Zoho token
