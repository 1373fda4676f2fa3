"""The token endpoint client against the sandbox: errors that come with HTTP 200, denial, revoke."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support.zoho_fixtures import CREDENTIALS, REDIRECT_URI, add_fault, grant_code
from worker.zoho.errors import ConnectionBroken, MintingDenied, ZohoUnavailable, ZohoUnreachable
from worker.zoho.oauth import OAuthClientCredentials, TokenEndpoint
from zoho_sandbox import RunningSandbox, SandboxConfig


async def test_a_code_is_exchanged_for_both_tokens_and_the_api_domain(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, token_endpoint: TokenEndpoint
) -> None:
    minted = await token_endpoint.exchange_code(await grant_code(http, sandbox), REDIRECT_URI)

    assert minted.refresh_token
    assert minted.access_token
    assert minted.expires_in == 3600
    assert minted.api_domain == sandbox.origin
    assert minted.access_token not in repr(minted)


async def test_a_reused_code_is_recognised_although_zoho_answers_200(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, token_endpoint: TokenEndpoint
) -> None:
    code = await grant_code(http, sandbox)
    await token_endpoint.exchange_code(code, REDIRECT_URI)

    with pytest.raises(ConnectionBroken, match="invalid_code") as caught:
        await token_endpoint.exchange_code(code, REDIRECT_URI)

    assert caught.value.http_status == 200


async def test_a_wrong_client_secret_is_a_broken_connection(
    http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    wrong = OAuthClientCredentials(CREDENTIALS.client_id, "not-the-secret")
    endpoint = TokenEndpoint(http, sandbox.accounts_url, wrong)

    with pytest.raises(ConnectionBroken, match="invalid_client"):
        await endpoint.refresh("1000.whatever")


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(mint_limit=1)])
async def test_access_denied_is_its_own_error(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, token_endpoint: TokenEndpoint
) -> None:
    minted = await token_endpoint.exchange_code(await grant_code(http, sandbox), REDIRECT_URI)
    assert minted.refresh_token is not None
    await token_endpoint.refresh(minted.refresh_token)

    with pytest.raises(MintingDenied):
        await token_endpoint.refresh(minted.refresh_token)


async def test_a_revoked_refresh_token_cannot_mint(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, token_endpoint: TokenEndpoint
) -> None:
    minted = await token_endpoint.exchange_code(await grant_code(http, sandbox), REDIRECT_URI)
    assert minted.refresh_token is not None

    await token_endpoint.revoke(minted.refresh_token)

    with pytest.raises(ConnectionBroken):
        await token_endpoint.refresh(minted.refresh_token)


async def test_a_token_endpoint_failure_is_transient(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, token_endpoint: TokenEndpoint
) -> None:
    async with http.post(
        f"{sandbox.origin}/_sandbox/faults",
        json={"request_class": "oauth.token", "mode": "rejected_500", "times": 1},
    ) as resp:
        assert resp.status in (200, 201)

    with pytest.raises(ZohoUnavailable) as caught:
        await token_endpoint.refresh("1000.whatever")
    assert not isinstance(caught.value, ZohoUnreachable)  # it reached Zoho


async def test_a_reset_after_sending_is_transient_and_not_unreachable(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, token_endpoint: TokenEndpoint
) -> None:
    await add_fault(http, sandbox, "oauth.token", "applied_then_reset")

    with pytest.raises(ZohoUnavailable) as caught:
        await token_endpoint.refresh("1000.whatever")
    assert not isinstance(caught.value, ZohoUnreachable)


async def test_an_unreachable_accounts_server_is_transient_and_nothing_was_sent(
    http: aiohttp.ClientSession,
) -> None:
    endpoint = TokenEndpoint(http, "http://127.0.0.1:9", CREDENTIALS)

    with pytest.raises(ZohoUnreachable):
        await endpoint.refresh("1000.whatever")
