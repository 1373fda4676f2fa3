"""Zoho Accounts' limits in the sandbox: mints per window, live tokens, refresh tokens per user."""

from __future__ import annotations

import pytest

from tests.support.sandbox_client import BooksClient, SandboxClient
from zoho_sandbox import SandboxConfig

ACCESS_DENIED = {
    "error": "Access Denied",
    "error_description": (
        "You have made too many requests continuously. Please try again after some time."
    ),
}


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Enough grant codes per window to open 21 refresh tokens."""
    return SandboxConfig(grant_codes_per_window=50)


async def _refresh_times(client: SandboxClient, refresh_token: str, times: int) -> list[int]:
    """Refresh ``times`` times; the HTTP statuses of the denied ones, 0 for each success."""
    outcomes = []
    for _ in range(times):
        resp = await client.refresh(refresh_token)
        outcomes.append(0 if "access_token" in resp.body else resp.status)
    return outcomes


async def test_the_eleventh_refresh_in_the_window_is_access_denied(
    client: SandboxClient, books: BooksClient
) -> None:
    assert await _refresh_times(client, books.refresh_token, 10) == [0] * 10
    denied = await client.refresh(books.refresh_token)
    assert (denied.status, denied.body) == (400, ACCESS_DENIED)
    state = await client.control("GET", "/state")
    assert state.body["counters"]["oauth.access_denied"] == 1
    assert state.body["counters"]["mints"] == 11  # the exchange and ten refreshes
    assert state.body["tokens"][0]["mint_attempts_in_window"] == 11


async def test_the_lockout_clears_after_the_window(
    client: SandboxClient, books: BooksClient
) -> None:
    await _refresh_times(client, books.refresh_token, 11)
    await client.control("POST", "/clock", {"advance": 600})
    assert "access_token" in (await client.refresh(books.refresh_token)).body


async def test_retrying_during_the_lockout_extends_it(
    client: SandboxClient, books: BooksClient
) -> None:
    await _refresh_times(client, books.refresh_token, 10)
    await client.control("POST", "/clock", {"advance": 300})
    assert await _refresh_times(client, books.refresh_token, 10) == [400] * 10
    # The first ten have left the window; the ten denied retries have not.
    await client.control("POST", "/clock", {"advance": 301})
    assert await _refresh_times(client, books.refresh_token, 1) == [400]
    await client.control("POST", "/clock", {"advance": 600})
    assert await _refresh_times(client, books.refresh_token, 1) == [0]


async def test_access_denied_status_is_configurable(
    client: SandboxClient, books: BooksClient
) -> None:
    await client.control("PATCH", "/config", {"access_denied_status": 200, "mint_limit": 1})
    await _refresh_times(client, books.refresh_token, 1)
    denied = await client.refresh(books.refresh_token)
    assert (denied.status, denied.body) == (200, ACCESS_DENIED)


async def test_a_sixteenth_live_token_evicts_the_oldest(
    client: SandboxClient, books: BooksClient
) -> None:
    await client.control("PATCH", "/config", {"mint_limit": 100})
    refreshed = [await client.refresh(books.refresh_token) for _ in range(15)]
    minted = [books.access_token, *(str(r.body["access_token"]) for r in refreshed)]
    statuses = [await _org_list_code(books, token) for token in minted]
    assert statuses == [57] + [0] * 15


async def _org_list_code(books: BooksClient, token: str) -> int | None:
    resp = await books.raw.request(
        "GET", "/books/v3/organizations", headers={"Authorization": f"Zoho-oauthtoken {token}"}
    )
    return resp.code


async def test_expired_access_token_is_refused_with_57(
    client: SandboxClient, books: BooksClient
) -> None:
    await client.control("POST", "/clock", {"advance": 3600})
    assert await _org_list_code(books, books.access_token) == 57


async def test_a_twenty_first_refresh_token_evicts_the_oldest_with_its_access_tokens(
    client: SandboxClient,
) -> None:
    clients = [await client.connect() for _ in range(21)]
    oldest, survivors = clients[0], clients[1:]
    assert (await client.refresh(oldest.refresh_token)).body == {"error": "invalid_code"}
    assert await _org_list_code(oldest, oldest.access_token) == 57
    for survivor in survivors:
        assert await _org_list_code(survivor, survivor.access_token) == 0
    state = await client.control("GET", "/state")
    assert len(state.body["tokens"]) == 20
    shown = str(state.body)
    assert not any(c.refresh_token in shown or c.access_token in shown for c in clients)
