"""``zbsync connect`` as a process: the authorization URL, then ``--code`` finishes it, against
MongoDB and the Zoho sandbox."""

from __future__ import annotations

import asyncio
import json
import sys
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from cryptography.fernet import Fernet, MultiFernet

from tests.support.zoho_fixtures import grant_code
from worker.domain.scopes import REQUIRED_SCOPES
from worker.store.connection import ConnectionRepository
from worker.store.mongo import Database
from worker.zoho.consent import SCOPES
from zoho_sandbox import RunningSandbox

PUBLIC = "http://127.0.0.1:8080"


@pytest.fixture
def env(shell_env: dict[str, str]) -> dict[str, str]:
    """A shell's settings for this test's database and sandbox."""
    return shell_env | {"ZBSYNC_PUBLIC_URL": PUBLIC}


async def _zbsync(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    run = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "worker", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await run.communicate()
    assert run.returncode is not None
    return run.returncode, out.decode(), err.decode()


async def _token_calls(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> int:
    url = f"{sandbox.origin}/_sandbox/calls"
    async with http.get(url, params={"request_class": "oauth.token"}) as resp:
        return len((await resp.json())["calls"])


async def _consent(
    env: dict[str, str], http: aiohttp.ClientSession
) -> tuple[dict[str, str], dict[str, list[str]]]:
    code, out, _ = await _zbsync(env, "connect", "--dc", "eu")
    assert code == 0
    url = out.strip()
    async with http.get(url, allow_redirects=False) as resp:
        assert resp.status == 302
        back = resp.headers["Location"]
    assert back.startswith(f"{PUBLIC}/oauth/callback?")
    answer = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
    return answer, parse_qs(urlsplit(url).query)


async def test_connect_prints_the_url_and_code_finishes_it(
    env: dict[str, str],
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    mongo_db: Database,
    secret_key: str,
) -> None:
    answer, asked = await _consent(env, http)
    assert asked["scope"] == [SCOPES]
    assert (asked["access_type"], asked["prompt"]) == (["offline"], ["consent"])
    args = ("--code", answer["code"], "--state", answer["state"],
            "--accounts-server", answer["accounts-server"])  # fmt: skip

    code, out, err = await _zbsync(env, "connect", *args)
    assert code == 0, err
    assert [o["organization_id"] for o in json.loads(out)["organizations"]] == ["20061234567"]
    stored = await ConnectionRepository(mongo_db, MultiFernet([Fernet(secret_key)])).load()
    assert stored is not None
    assert stored.data_center == "eu"
    assert stored.scopes == REQUIRED_SCOPES  # what the state's authorization request asked for
    assert stored.refresh_token not in out + err

    code, _, err = await _zbsync(env, "connect", *args)  # the state was used
    assert code == 1
    assert "state" in err
    assert await _token_calls(http, sandbox) == 1


async def test_connect_refuses_an_accounts_server_that_is_not_zohos(
    env: dict[str, str], http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    answer, _ = await _consent(env, http)
    code, _, err = await _zbsync(
        env, "connect", "--code", answer["code"], "--state", answer["state"],
        "--accounts-server", "https://accounts.example.com",
    )  # fmt: skip
    assert code == 1
    assert "accounts-server" in err
    assert await _token_calls(http, sandbox) == 0


async def test_a_self_client_code_connects_without_a_state(
    env: dict[str, str],
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    mongo_db: Database,
    secret_key: str,
) -> None:
    code, out, err = await _zbsync(env, "connect", "--code", await grant_code(http, sandbox))
    assert code == 0, err
    assert json.loads(out)["connected"] is True
    assert await _token_calls(http, sandbox) == 1
    stored = await ConnectionRepository(mongo_db, MultiFernet([Fernet(secret_key)])).load()
    assert stored is not None
    assert stored.scopes is None  # the Self Client's scopes were chosen in Zoho's console
