"""The consent flow's state: single use, and good for ten minutes (MongoDB, the sandbox)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from tests.support.stepping_clock import SteppingClock
from tests.support.zoho_fixtures import CREDENTIALS, REDIRECT_URI
from worker.store.connection import ConnectionRepository
from worker.store.consent_states import ConsentStateRepository
from worker.store.mongo import Database
from worker.zoho.consent import STATE_TTL_MS, ConsentFlow, ConsentSettings
from worker.zoho.errors import ConsentRefused
from zoho_sandbox import RunningSandbox


async def _token_calls(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> int:
    url = f"{sandbox.origin}/_sandbox/calls"
    async with http.get(url, params={"request_class": "oauth.token"}) as resp:
        return len((await resp.json())["calls"])


@pytest.mark.parametrize(("waited_s", "taken"), [(STATE_TTL_MS / 1000 - 1, True),
                                                 (STATE_TTL_MS / 1000, False)])  # fmt: skip
async def test_a_state_expires_after_ten_minutes(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    mongo_db: Database,
    connections: ConnectionRepository,
    clock: SteppingClock,
    waited_s: float,
    taken: bool,
) -> None:
    settings = ConsentSettings(CREDENTIALS, REDIRECT_URI, sandbox.accounts_url)
    flow = ConsentFlow(ConsentStateRepository(mongo_db), connections, http, settings, clock)
    url, state = await flow.begin("eu", browser_bound=False)
    async with http.get(url, allow_redirects=False) as resp:
        code = parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]
    clock.advance(waited_s)
    if taken:
        stored = await flow.finish(code, state, None, browser_state=None)
        assert stored.data_center == "eu"
        assert await _token_calls(http, sandbox) == 1
    else:
        with pytest.raises(ConsentRefused, match="expired"):
            await flow.finish(code, state, None, browser_state=None)
        assert await _token_calls(http, sandbox) == 0
        assert await connections.load() is None


async def test_states_never_taken_are_swept_once_expired(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    mongo_db: Database,
    connections: ConnectionRepository,
    clock: SteppingClock,
) -> None:
    settings = ConsentSettings(CREDENTIALS, REDIRECT_URI, sandbox.accounts_url)
    flow = ConsentFlow(ConsentStateRepository(mongo_db), connections, http, settings, clock)
    _, first = await flow.begin("eu", browser_bound=True)
    _, second = await flow.begin("eu", browser_bound=True)
    clock.advance(STATE_TTL_MS / 1000)
    _, third = await flow.begin("eu", browser_bound=True)
    left = [doc["_id"] async for doc in mongo_db["oauth_states"].find({})]
    assert left == [third]
    assert first != second
