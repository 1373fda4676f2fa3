"""Connecting Zoho through the admin API, against the sandbox over HTTP: the consent flow end to
end, the callback's refusals (and that Zoho's token endpoint never hears of them), status,
organizations, disconnect with revocation."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from cryptography.fernet import Fernet, MultiFernet

from tests.api.conftest import ADMIN_TOKEN, AUTH
from tests.support.sync_harness import Harness
from tests.support.zoho_fixtures import CREDENTIALS
from worker.api import ApiServices, build_app, serve
from worker.bootstrap.connection import ConnectionControl
from worker.clock import SystemClock
from worker.config import Settings
from worker.console import ConsoleConfig, setup_console
from worker.domain.budget_ledger import BudgetLimits
from worker.domain.connection import StoredConnection
from worker.domain.scopes import REQUIRED_SCOPES
from worker.store.budget import BudgetRepository
from worker.store.connection import ConnectionRepository
from worker.store.settings import SettingsRepository
from worker.sync.manual import ManualActions
from worker.zoho.consent import SCOPES
from worker.zoho.errors import ConnectionBroken
from worker.zoho.oauth import TokenEndpoint

COOKIE = "zbsync_oauth_state"
SANDBOX_ORG = "20061234567"


@dataclass
class Served:
    """The API with connecting configured, on a known port (the redirect URI names it)."""

    base: str
    http: aiohttp.ClientSession
    harness: Harness
    secret_key: str
    since: int = 0  # the sandbox's call log before the test (the harness connected already)

    async def _calls(self, request_class: str) -> int:
        url = f"{self.harness.sandbox.origin}/_sandbox/calls"
        params = {"request_class": request_class, "since": str(self.since)}
        async with self.http.get(url, params=params) as resp:
            return len((await resp.json())["calls"])

    async def token_calls(self) -> int:
        """Grant-code exchanges and refreshes the sandbox's accounts server received."""
        return await self._calls("oauth.token")

    async def stored(self) -> StoredConnection | None:
        """The connection as stored, decrypted."""
        key = MultiFernet([Fernet(self.secret_key)])
        return await ConnectionRepository(self.harness.db, key).load()

    async def revocations(self) -> int:
        """Revocations the sandbox received."""
        return await self._calls("oauth.revoke")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def with_console() -> bool:
    """Serve the web console beside the API (override with ``parametrize``)."""
    return False


@pytest.fixture
async def served(harness: Harness, secret_key: str, with_console: bool) -> AsyncIterator[Served]:
    """The API with a ``ConnectionControl`` over the sandbox and MongoDB."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        _env_file=None,
        zoho_client_id=CREDENTIALS.client_id,
        zoho_client_secret=CREDENTIALS.client_secret,
        zoho_data_center="eu",
        zoho_accounts_url=harness.sandbox.accounts_url,
        zoho_api_url=harness.sandbox.api_url,
        secret_key=secret_key,
        public_url=base,
    )
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    parts = ApiServices(harness.orders, harness.audit, manual, None)
    control = ConnectionControl(settings, harness.db, harness.http)
    app = build_app(parts, ADMIN_TOKEN, control)
    if with_console:
        setup_console(app, ConsoleConfig(ADMIN_TOKEN, secret_key, base))
    runner = await serve(app, "127.0.0.1", port, grace_seconds=5)
    async with harness.http.get(f"{harness.sandbox.origin}/_sandbox/calls") as resp:
        since = max((c["seq"] for c in (await resp.json())["calls"]), default=0)
    try:
        yield Served(base, harness.http, harness, secret_key, since)
    finally:
        await runner.cleanup()


async def _consent(served: Served) -> tuple[str, str, dict[str, list[str]]]:
    """``/oauth/connect``, then Zoho's consent page: the callback URL and the state cookie."""
    async with served.http.get(
        f"{served.base}/oauth/connect?dc=eu", headers=AUTH, allow_redirects=False
    ) as resp:
        assert resp.status == 302
        authorize = resp.headers["Location"]
        cookie = resp.cookies[COOKIE].value
    async with served.http.get(authorize, allow_redirects=False) as resp:
        assert resp.status == 302
        callback = resp.headers["Location"]
    return callback, cookie, parse_qs(urlsplit(authorize).query)


async def _get(served: Served, url: str, cookie: str | None = None) -> tuple[int, Any]:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    async with served.http.get(url, headers=headers, allow_redirects=False) as resp:
        return resp.status, await resp.json()


async def test_connecting_from_the_browser_stores_a_usable_connection(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    callback, cookie, asked = await _consent(served)
    assert asked["access_type"] == ["offline"]
    assert asked["prompt"] == ["consent"]
    assert asked["scope"] == [SCOPES]
    assert asked["redirect_uri"] == [f"{served.base}/oauth/callback"]
    assert asked["state"] == [cookie]
    assert callback.startswith(f"{served.base}/oauth/callback?")

    status, body = await _get(served, callback, cookie)
    assert status == 200, body
    assert body["connected"] is True
    assert [o["organization_id"] for o in body["organizations"]] == ["20061234567"]
    assert await served.token_calls() == 1  # the access token from the code served the list

    status, connection = await _get_api(served, "/api/connection")
    assert status == 200
    assert connection["connected"] is True
    assert connection["data_center"] == "eu"
    assert connection["access_token_expires_at"] is not None
    status, orgs = await _get_api(served, "/api/organizations")
    assert status == 200
    assert orgs["organizations"][0]["organization_id"] == "20061234567"
    stored = await served.harness.db["zoho_connections"].find_one({})
    assert stored is not None
    assert "1000." not in json.dumps(connection) + json.dumps(body) + json.dumps(orgs)
    assert not str(stored["refresh_token"]).startswith("1000.")  # sealed, not clear text

    status, replay = await _get(served, callback, cookie)
    assert (status, replay["error"]["code"]) == (400, "invalid_state")
    assert await served.token_calls() == 1

    tokens = await served.stored()
    assert tokens is not None
    assert tokens.access_token is not None
    logged = capsys.readouterr()
    assert "zoho connected by consent" in logged.out  # the log is captured here
    for secret in (tokens.refresh_token, tokens.access_token, cookie):
        assert secret not in logged.out + logged.err


async def test_a_consent_records_the_scopes_it_asked_for_and_a_refresh_keeps_them(
    served: Served,
) -> None:
    callback, cookie, asked = await _consent(served)
    assert (await _get(served, callback, cookie))[0] == 200
    stored = await served.stored()
    assert stored is not None
    assert stored.scopes == REQUIRED_SCOPES
    assert asked["scope"] == [",".join(stored.scopes)]

    # The access token runs out: the next call refreshes it, and the scopes stay.
    key = MultiFernet([Fernet(served.secret_key)])
    assert await ConnectionRepository(served.harness.db, key).save(
        stored.replace(access_expires_at_ms=1)
    )
    assert (await _get_api(served, "/api/organizations"))[0] == 200
    assert await served.token_calls() == 2
    refreshed = await served.stored()
    assert refreshed is not None
    assert refreshed.access_token != stored.access_token
    assert refreshed.scopes == REQUIRED_SCOPES


async def _get_api(served: Served, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with served.http.get(served.base + path, headers=AUTH, **kwargs) as resp:
        return resp.status, await resp.json()


async def test_an_unknown_state_is_refused_and_nothing_reaches_zoho(served: Served) -> None:
    callback, cookie, _ = await _consent(served)
    forged = callback.replace(f"state={cookie}", "state=forged")
    assert (await _get(served, forged, "forged"))[0] == 400
    assert await served.token_calls() == 0


async def test_a_state_from_another_browser_is_refused(served: Served) -> None:
    callback, _, _ = await _consent(served)
    status, body = await _get(served, callback, "someone-elses")
    assert (status, body["error"]["code"]) == (400, "invalid_state")
    assert await served.token_calls() == 0


@pytest.mark.parametrize(
    "server", ["https://accounts.zoho.eu.attacker.example", "http://127.0.0.1:9", "https://x.io"]
)
async def test_an_accounts_server_that_is_not_zohos_is_refused(served: Served, server: str) -> None:
    callback, cookie, _ = await _consent(served)
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"accounts-server": server}
    async with served.http.get(
        f"{served.base}/oauth/callback",
        params=query,
        headers={"Cookie": f"{COOKIE}={cookie}"},
    ) as resp:
        status, body = resp.status, await resp.json()
    assert (status, body["error"]["code"]) == (400, "invalid_accounts_server")
    assert await served.token_calls() == 0


async def test_the_admin_token_is_needed(served: Served) -> None:
    async with served.http.get(f"{served.base}/oauth/connect", allow_redirects=False) as resp:
        assert resp.status == 401
    for method, path in (("GET", "/api/connection"), ("DELETE", "/api/connection"),
                         ("GET", "/api/organizations")):  # fmt: skip
        async with served.http.request(method, served.base + path) as resp:
            assert resp.status == 401


async def test_disconnecting_revokes_the_refresh_token(served: Served) -> None:
    callback, cookie, _ = await _consent(served)
    assert (await _get(served, callback, cookie))[0] == 200
    connected = await served.stored()
    assert connected is not None
    async with served.http.delete(f"{served.base}/api/connection", headers=AUTH) as resp:
        assert (resp.status, await resp.json()) == (200, {"disconnected": True})
    assert await served.revocations() == 1
    assert await served.stored() is None
    sandbox = TokenEndpoint(served.http, served.harness.sandbox.accounts_url, CREDENTIALS)
    with pytest.raises(ConnectionBroken):  # Zoho no longer honours it
        await sandbox.refresh(connected.refresh_token)
    assert (await _get_api(served, "/api/connection"))[1]["connected"] is False
    async with served.http.delete(f"{served.base}/api/connection", headers=AUTH) as resp:
        assert await resp.json() == {"disconnected": False}
    assert await served.revocations() == 1


async def test_connecting_without_a_public_url_is_not_configured(
    harness: Harness, secret_key: str
) -> None:
    settings = Settings(_env_file=None, zoho_client_id=CREDENTIALS.client_id, secret_key=secret_key)
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    parts = ApiServices(harness.orders, harness.audit, manual, None)
    control = ConnectionControl(settings, harness.db, harness.http)
    runner = await serve(build_app(parts, ADMIN_TOKEN, control), "127.0.0.1", 0, grace_seconds=5)
    host, port = runner.addresses[0][:2]
    try:
        url = f"http://{host}:{port}/oauth/connect"
        async with harness.http.get(url, headers=AUTH, allow_redirects=False) as resp:
            body = await resp.json()
            assert (resp.status, body["error"]["code"]) == (409, "not_configured")
    finally:
        await runner.cleanup()


async def test_a_token_already_revoked_at_zoho_is_still_forgotten(served: Served) -> None:
    callback, cookie, _ = await _consent(served)
    assert (await _get(served, callback, cookie))[0] == 200
    connected = await served.stored()
    assert connected is not None
    sandbox = TokenEndpoint(served.http, served.harness.sandbox.accounts_url, CREDENTIALS)
    await sandbox.revoke(connected.refresh_token)  # e.g. by the user in Zoho's account settings
    async with served.http.delete(f"{served.base}/api/connection", headers=AUTH) as resp:
        assert (resp.status, await resp.json()) == (200, {"disconnected": True})
    assert await served.stored() is None


async def test_the_status_shows_the_consoles_organization_and_data_center(served: Served) -> None:
    async with served.http.delete(f"{served.base}/api/connection", headers=AUTH) as resp:
        assert resp.status == 200  # the harness connected: the data center shown is then Zoho's
    await SettingsRepository(served.harness.db).change(
        {"data_center": "com", "organization_id": SANDBOX_ORG}
    )

    status, connection = await _get_api(served, "/api/connection")

    assert status == 200
    assert connection["connected"] is False
    assert (connection["data_center"], connection["organization_id"]) == ("com", SANDBOX_ORG)


async def test_the_organizations_are_read_for_the_consoles_organization(served: Served) -> None:
    callback, cookie, _ = await _consent(served)
    assert (await _get(served, callback, cookie))[0] == 200
    await SettingsRepository(served.harness.db).change({"organization_id": SANDBOX_ORG})
    budget = BudgetRepository(served.harness.db)
    limits = BudgetLimits(requests_per_window=100, daily_limit=1000, max_concurrency=5)
    before = (await budget.usage(SANDBOX_ORG, SystemClock().now_ms(), limits)).today

    status, orgs = await _get_api(served, "/api/organizations")

    assert status == 200
    assert orgs["organizations"][0]["organization_id"] == SANDBOX_ORG
    after = (await budget.usage(SANDBOX_ORG, SystemClock().now_ms(), limits)).today
    assert after == before + 1  # the call counted in the chosen organization's budget
    assert (await _get_api(served, "/api/connection"))[1]["organization_id"] == SANDBOX_ORG


BROWSER = {"Accept": "text/html,application/xhtml+xml"}


@pytest.mark.parametrize("with_console", [True])
async def test_a_browser_lands_on_the_console_after_the_consent(served: Served) -> None:
    callback, cookie, _ = await _consent(served)
    headers = {**BROWSER, "Cookie": f"{COOKIE}={cookie}"}
    async with served.http.get(callback, headers=headers, allow_redirects=False) as resp:
        assert (resp.status, resp.headers["Location"]) == (303, "/connected")
    async with served.http.get(f"{served.base}/connected", headers=BROWSER) as resp:
        page = await resp.text()
    # a navigation of the console's own, so the SameSite=Strict session cookie goes along
    assert '<meta http-equiv="refresh" content="0; url=/">' in page
    assert "Zoho is connected" in page
    stored = await served.stored()
    assert stored is not None
    assert stored.status == "connected"


@pytest.mark.parametrize("with_console", [True])
async def test_a_browser_whose_consent_is_refused_sees_why(served: Served) -> None:
    callback, _, _ = await _consent(served)
    headers = {**BROWSER, "Cookie": f"{COOKIE}=someone-elses"}
    async with served.http.get(callback, headers=headers) as resp:
        status, page = resp.status, await resp.text()
    assert status == 400
    assert "Zoho did not connect" in page
    assert "expired or was opened in another browser" in page
    assert "http-equiv" not in page
    assert await served.token_calls() == 0
