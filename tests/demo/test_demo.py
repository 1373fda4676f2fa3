"""``zbsync demo --serve`` runs from a clean state to invoices in the sandbox, as a new user sees
it, then keeps the console running on the demo's data until Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from pathlib import Path

import aiohttp
from pymongo import AsyncMongoClient

from worker.demo import DEMO_DATABASE
from worker.store.mongo import ZOHO_CONNECTIONS, with_database


async def test_demo_turns_the_sample_orders_into_draft_invoices(
    mongodb_uri: str, amqp_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZBSYNC_")}
    env |= {"ZBSYNC_MONGODB_URI": with_database(mongodb_uri, "unused"), "ZBSYNC_AMQP_URL": amqp_url}
    env["ZBSYNC_HTTP_PORT"] = str(_free_port())
    demo = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        "demo",
        "--serve",
        "--state-dir",
        str(tmp_path / "state"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert demo.stdout is not None
    try:
        report = await _until_served(demo.stdout)
        await _console_shows_the_invoices(report)
    finally:  # a demo left serving would consume the next run's demo queue
        demo.send_signal(signal.SIGINT)
        out, err = await demo.communicate()
    text = report + out.decode()

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _until_served(stdout: asyncio.StreamReader) -> str:
    """The demo's report, up to the line saying the console is served."""
    lines: list[str] = []
    async with asyncio.timeout(180):
        while not lines or "keeps running with its web console" not in lines[-1]:
            line = (await stdout.readline()).decode()
            assert line, "the demo ended before serving its console:\n" + "".join(lines)
            lines.append(line)
    return "".join(lines)


async def _console_shows_the_invoices(report: str) -> None:
    """Sign in with the printed token; the orders page lists the invoice numbers."""
    served = re.search(r"open (http://\S+)/ and sign in with the admin token (\S+)", report)
    assert served is not None, report
    base, token = served.groups()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        # the line is printed once the console listens: no waiting
        async with http.post(f"{base}/sign-in", data={"token": token}) as resp:
            assert resp.status == 200
        async with http.get(f"{base}/orders") as resp:
            page = await resp.text()
    assert "INV-000001" in page
    assert 'href="/orders/1005"' in page, page
