"""Fixtures for tests that talk to Zoho: the sandbox over HTTP, the client, its stores in MongoDB.

Loaded for the whole suite as a plugin (``pytest_plugins`` in ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Protocol

import aiohttp
import pytest
import stamina
from cryptography.fernet import Fernet, MultiFernet

from tests.support.stepping_clock import SteppingClock
from worker.clock import SystemClock
from worker.domain.budget_ledger import BudgetLimits
from worker.domain.connection import StoredConnection
from worker.store.budget import BudgetRepository
from worker.store.connection import ConnectionRepository
from worker.store.mongo import Database
from worker.zoho.books import ZohoBooks
from worker.zoho.budget import RequestBudget
from worker.zoho.connect import store_refresh_token
from worker.zoho.http import ZohoHttp
from worker.zoho.oauth import OAuthClientCredentials, TokenEndpoint
from worker.zoho.tokens import TokenManager
from zoho_sandbox import OAuthClient, RunningSandbox, SandboxConfig, serving

SANDBOX_CLIENT = OAuthClient()
CREDENTIALS = OAuthClientCredentials(SANDBOX_CLIENT.client_id, SANDBOX_CLIENT.client_secret)
SCOPES = "ZohoBooks.contacts.ALL,ZohoBooks.invoices.ALL,ZohoBooks.settings.READ"
REDIRECT_URI = "http://127.0.0.1:8080/oauth/callback"


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """The sandbox's settings; override per module."""
    return SandboxConfig()


@pytest.fixture
async def sandbox(sandbox_config: SandboxConfig) -> AsyncIterator[RunningSandbox]:
    """A sandbox on a free loopback port."""
    async with serving(sandbox_config) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def secret_key() -> str:
    """A fresh Fernet key."""
    return Fernet.generate_key().decode()


@pytest.fixture
def connections(mongo_db: Database, secret_key: str) -> ConnectionRepository:
    """The connection store in this test's database."""
    return ConnectionRepository(mongo_db, MultiFernet([Fernet(secret_key)]))


@pytest.fixture
def clock() -> SteppingClock:
    """The worker's clock, moved by the test."""
    return SteppingClock()


@pytest.fixture
def token_endpoint(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> TokenEndpoint:
    """The sandbox's token endpoint."""
    return TokenEndpoint(http, sandbox.accounts_url, CREDENTIALS)


async def grant_code(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, scope: str = SCOPES
) -> str:
    """A Self-Client grant code from the sandbox's control API."""
    async with http.post(
        f"{sandbox.origin}/_sandbox/oauth/code",
        json={"client_id": CREDENTIALS.client_id, "scope": scope},
    ) as resp:
        return str((await resp.json())["code"])


async def connect_granting(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    token_endpoint: TokenEndpoint,
    connections: ConnectionRepository,
    clock: SteppingClock,
    *,
    scope: str = SCOPES,
    recorded: tuple[str, ...] | None = None,
) -> StoredConnection:
    """A stored connection whose sandbox token carries ``scope``, recorded as ``recorded``."""
    minted = await token_endpoint.exchange_code(
        await grant_code(http, sandbox, scope), REDIRECT_URI
    )
    assert minted.refresh_token is not None
    return await store_refresh_token(
        connections,
        clock,
        data_center="com",
        client_id=CREDENTIALS.client_id,
        refresh_token=minted.refresh_token,
        scopes=recorded,
    )


class Grant(Protocol):
    """Connects with a sandbox token carrying ``scopes``, recorded as ``recorded``."""

    async def __call__(
        self, scopes: Sequence[str], recorded: Sequence[str] | None = None
    ) -> StoredConnection:
        """The stored connection."""
        ...


@pytest.fixture
def grant(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    token_endpoint: TokenEndpoint,
    connections: ConnectionRepository,
    clock: SteppingClock,
) -> Grant:
    """``connect_granting`` with this test's sandbox, database and clock."""

    async def connect(
        scopes: Sequence[str], recorded: Sequence[str] | None = None
    ) -> StoredConnection:
        known = None if recorded is None else tuple(recorded)
        scope = ",".join(scopes)
        return await connect_granting(
            http, sandbox, token_endpoint, connections, clock, scope=scope, recorded=known
        )

    return connect


@pytest.fixture
async def connected(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    token_endpoint: TokenEndpoint,
    connections: ConnectionRepository,
    clock: SteppingClock,
) -> StoredConnection:
    """A stored connection holding a real refresh token of the sandbox (no access token yet)."""
    return await connect_granting(http, sandbox, token_endpoint, connections, clock)


@pytest.fixture
def tokens(
    connections: ConnectionRepository, token_endpoint: TokenEndpoint, clock: SteppingClock
) -> TokenManager:
    """A token manager for this process."""
    return TokenManager(connections, lambda _: token_endpoint, clock, owner="replica-a")


async def sandbox_state(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> dict[str, object]:
    """The sandbox's state: counters, tokens, books."""
    async with http.get(f"{sandbox.origin}/_sandbox/state") as resp:
        body: dict[str, object] = await resp.json()
        return body


async def sandbox_counter(http: aiohttp.ClientSession, sandbox: RunningSandbox, name: str) -> int:
    """One of the sandbox's tallies: "mints", "oauth.access_denied", "429.44", ..."""
    counters = (await sandbox_state(http, sandbox))["counters"]
    assert isinstance(counters, dict)
    return int(counters.get(name, 0))


@pytest.fixture
def no_backoff() -> Iterator[None]:
    """Retries happen at once (stamina's test mode), capped at the client's own attempts."""
    with stamina.set_testing(True, attempts=5, cap=True):
        yield


@pytest.fixture
def budget(mongo_db: Database, sandbox_config: SandboxConfig) -> RequestBudget:
    """The organization's shared budget; a 100 ms window, so a 429 hold-off passes quickly."""
    return RequestBudget(
        BudgetRepository(mongo_db),
        sandbox_config.organization_id,
        BudgetLimits(window_ms=100),
        SystemClock(),
        owner="replica-a",
    )


@pytest.fixture
async def zoho_http(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    sandbox_config: SandboxConfig,
    connected: StoredConnection,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
    budget: RequestBudget,
    no_backoff: None,
) -> ZohoHttp:
    """The Books transport as the worker builds it, pointed at the sandbox (real clock)."""
    tokens = TokenManager(connections, lambda _: token_endpoint, SystemClock(), owner="replica-a")
    return ZohoHttp(http, sandbox.api_url, sandbox_config.organization_id, tokens, budget)


@pytest.fixture
def books(zoho_http: ZohoHttp) -> ZohoBooks:
    """The Books client as the worker builds it, pointed at the sandbox (real clock)."""
    return ZohoBooks(zoho_http)


async def add_fault(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    request_class: str,
    mode: str,
    times: int | None = 1,
    seconds: float = 0.0,
) -> None:
    """Inject a sandbox fault for the next ``times`` requests of ``request_class``.

    ``seconds``: how long a ``latency`` fault holds each request (sandbox time).
    """
    rule = {"request_class": request_class, "mode": mode, "times": times, "seconds": seconds}
    async with http.post(f"{sandbox.origin}/_sandbox/faults", json=rule) as resp:
        assert resp.status in (200, 201), await resp.text()
