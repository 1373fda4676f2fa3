"""The sandbox's Zoho Accounts: consent, token grants, their errors and revocation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from yarl import URL

from tests.support.sandbox_client import CLIENT, Response, SandboxClient
from zoho_sandbox import OAuthClient, SandboxConfig

CALLBACK = "http://127.0.0.1/oauth/callback"


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """A second client with a registered redirect URI besides the open default one."""
    strict = OAuthClient(client_id="1000.STRICT", client_secret="s", redirect_uris=(CALLBACK,))
    return SandboxConfig(clients=(CLIENT, strict))


async def test_code_exchange_gives_tokens_pointing_back_at_the_sandbox(
    client: SandboxClient,
) -> None:
    resp = await client.exchange(await client.grant_code())
    assert resp.status == 200
    assert resp.body["access_token"].startswith("1000.")
    assert resp.body["refresh_token"].startswith("1000.")
    assert resp.body["api_domain"] == client.sandbox.origin
    assert resp.body["token_type"] == "Bearer"
    assert resp.body["expires_in"] == 3600


async def test_refresh_reply_has_a_new_access_token_and_no_refresh_token(
    client: SandboxClient,
) -> None:
    first = await client.exchange(await client.grant_code())
    again = await client.refresh(first.body["refresh_token"])
    assert again.status == 200
    assert "refresh_token" not in again.body
    assert again.body["access_token"] != first.body["access_token"]
    assert again.body["api_domain"] == client.sandbox.origin


async def _token_call(client: SandboxClient, **fields: str) -> Response:
    return await client.request("POST", "/oauth/v2/token", data=fields)


async def test_errors_arrive_with_http_200(client: SandboxClient) -> None:
    code = await client.grant_code()
    wrong_secret = await _token_call(
        client,
        grant_type="authorization_code",
        client_id=CLIENT.client_id,
        client_secret="nope",
        code=code,
    )
    unknown_client = await _token_call(
        client, grant_type="refresh_token", client_id="1000.X", client_secret="x"
    )
    bad_grant = await _token_call(
        client,
        grant_type="password",
        client_id=CLIENT.client_id,
        client_secret=CLIENT.client_secret,
    )
    bad_refresh = await client.refresh("1000.not.a-token")
    assert (wrong_secret.status, wrong_secret.body) == (200, {"error": "invalid_client"})
    assert (unknown_client.status, unknown_client.body) == (200, {"error": "invalid_client"})
    assert (bad_grant.status, bad_grant.body) == (200, {"error": "unsupported_grant_type"})
    assert (bad_refresh.status, bad_refresh.body) == (200, {"error": "invalid_code"})


async def test_parameters_sent_as_json_are_not_read(client: SandboxClient) -> None:
    body = {
        "grant_type": "authorization_code",
        "client_id": CLIENT.client_id,
        "client_secret": CLIENT.client_secret,
        "code": await client.grant_code(),
    }
    resp = await client.request("POST", "/oauth/v2/token", json=body)
    assert (resp.status, resp.body) == (200, {"error": "invalid_client"})


async def test_parameters_in_the_query_string_are_read(client: SandboxClient) -> None:
    params = {
        "grant_type": "authorization_code",
        "client_id": CLIENT.client_id,
        "client_secret": CLIENT.client_secret,
        "code": await client.grant_code(),
    }
    resp = await client.request("POST", "/oauth/v2/token", params=params)
    assert "access_token" in resp.body


async def test_grant_code_works_once(client: SandboxClient) -> None:
    code = await client.grant_code()
    assert "access_token" in (await client.exchange(code)).body
    assert (await client.exchange(code)).body == {"error": "invalid_code"}


async def test_grant_code_expires(client: SandboxClient) -> None:
    code = await client.grant_code()
    await client.control("POST", "/clock", {"advance": 121})
    assert (await client.exchange(code)).body == {"error": "invalid_code"}


async def test_grant_codes_per_client_are_limited_per_window(client: SandboxClient) -> None:
    for _ in range(10):
        await client.grant_code()
    refused = await client.control(
        "POST", "/oauth/code", {"client_id": CLIENT.client_id, "scope": "ZohoBooks.settings.READ"}
    )
    assert (refused.status, refused.body["error"]) == (400, "access_denied")
    await client.control("POST", "/clock", {"advance": 600})
    await client.grant_code()


async def test_consent_redirects_back_with_a_code_and_the_accounts_server(
    client: SandboxClient,
) -> None:
    resp = await _authorize(client, "1000.STRICT", CALLBACK, state="xyz")
    assert resp.status == 302
    location = URL(resp.location)
    assert str(location.with_query(None)) == CALLBACK
    assert location.query["state"] == "xyz"
    assert location.query["location"] == "us"
    assert location.query["accounts-server"] == client.sandbox.origin
    tokens = await _token_call(
        client,
        grant_type="authorization_code",
        client_id="1000.STRICT",
        client_secret="s",
        redirect_uri=CALLBACK,
        code=location.query["code"],
    )
    assert "refresh_token" in tokens.body


async def test_consent_refuses_unregistered_redirects_and_unknown_clients(
    client: SandboxClient,
) -> None:
    elsewhere = await _authorize(client, "1000.STRICT", "http://evil.example/cb")
    unknown = await _authorize(client, "1000.NOBODY", CALLBACK)
    assert (elsewhere.status, elsewhere.body) == (400, {"error": "invalid_redirect_uri"})
    assert (unknown.status, unknown.body) == (400, {"error": "invalid_client"})


async def test_exchange_with_another_redirect_uri_is_refused(client: SandboxClient) -> None:
    resp = await _authorize(client, "1000.STRICT", CALLBACK)
    code = URL(resp.location).query["code"]
    tokens = await _token_call(
        client,
        grant_type="authorization_code",
        client_id="1000.STRICT",
        client_secret="s",
        redirect_uri="http://127.0.0.1/other",
        code=code,
    )
    assert tokens.body == {"error": "invalid_redirect_uri"}


@dataclass
class _Consent:
    status: int
    location: str
    body: dict[str, Any]


async def _authorize(
    client: SandboxClient, client_id: str, redirect_uri: str, state: str | None = None
) -> _Consent:
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": "ZohoBooks.settings.READ",
        "access_type": "offline",
    }
    if state is not None:
        params["state"] = state
    url = client.sandbox.origin + "/oauth/v2/auth"
    async with client.session.get(url, params=params, allow_redirects=False) as resp:
        body = await resp.json() if resp.content_type == "application/json" else {}
        return _Consent(resp.status, resp.headers.get("Location", ""), body)


async def test_revoking_a_refresh_token_kills_it_and_its_access_tokens(
    client: SandboxClient,
) -> None:
    books = await client.connect()
    assert (await books.call("GET", "/organizations")).status == 200
    revoked = await client.request(
        "POST", "/oauth/v2/token/revoke", params={"token": books.refresh_token}
    )
    assert revoked.status == 200
    assert (await books.call("GET", "/organizations")).code == 57
    assert (await client.refresh(books.refresh_token)).body == {"error": "invalid_code"}


async def test_revoking_an_access_token_kills_only_it(client: SandboxClient) -> None:
    books = await client.connect()
    revoked = await client.request(
        "POST", "/oauth/v2/token/revoke", params={"token": books.access_token}
    )
    assert revoked.status == 200
    assert (await books.call("GET", "/organizations")).code == 57
    assert "access_token" in (await client.refresh(books.refresh_token)).body


async def test_revoking_an_unknown_token_is_http_400(client: SandboxClient) -> None:
    resp = await client.request("POST", "/oauth/v2/token/revoke", params={"token": "1000.x.y"})
    assert resp.status == 400


async def test_consent_beyond_the_grant_code_limit_redirects_with_access_denied(
    client: SandboxClient,
) -> None:
    for _ in range(10):
        await client.grant_code()
    resp = await _authorize(client, "1000.STRICT", CALLBACK)
    assert resp.status == 302  # another client: its own allowance
    resp = await _authorize(client, CLIENT.client_id, CALLBACK, state="s")
    assert resp.status == 302
    assert dict(URL(resp.location).query) == {"error": "access_denied", "state": "s"}
