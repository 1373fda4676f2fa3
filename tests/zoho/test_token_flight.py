"""One token refresh at a time in a replica; a refresh lease that outlasts the token call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from cryptography.fernet import Fernet, MultiFernet

from tests.support.stepping_clock import SteppingClock
from tests.support.worker_process import eventually
from tests.support.zoho_fixtures import add_fault, sandbox_counter
from worker.domain.connection import StoredConnection
from worker.domain.token_rules import TokenPolicy
from worker.store.connection import ConnectionRepository
from worker.store.mongo import Database
from worker.zoho.errors import TokenUnavailable, ZohoUnavailable
from worker.zoho.oauth import TokenEndpoint
from worker.zoho.tokens import TokenManager
from zoho_sandbox import RunningSandbox

CALLERS = 8
HELD = 600.0  # sandbox seconds a token call is held, until the test moves the sandbox clock


Release = Callable[[], Awaitable[None]]


@pytest.fixture
async def release_held(
    http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> AsyncIterator[Release]:
    """Lets the sandbox answer the token calls it holds; done again at the end, pass or fail."""

    async def release() -> None:
        async with http.post(f"{sandbox.origin}/_sandbox/clock", json={"advance": HELD}) as resp:
            assert resp.status == 200

    yield release
    await release()


class WatchedConnections(ConnectionRepository):
    """The connection store, telling the test which callers came and whether any is using it."""

    def __init__(self, db: Database, secret_key: str) -> None:
        super().__init__(db, MultiFernet([Fernet(secret_key)]))
        self.callers: set[asyncio.Task[object] | None] = set()
        self.busy = 0

    async def load(self) -> StoredConnection | None:
        """Load, counted."""
        self.callers.add(asyncio.current_task())
        self.busy += 1
        try:
            return await super().load()
        finally:
            self.busy -= 1

    async def save(self, connection: StoredConnection) -> StoredConnection | None:
        """Save, counted."""
        self.busy += 1
        try:
            return await super().save(connection)
        finally:
            self.busy -= 1


async def test_concurrent_callers_in_one_replica_wait_for_a_single_mint(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    connections: ConnectionRepository,
    mongo_db: Database,
    secret_key: str,
    token_endpoint: TokenEndpoint,
    clock: SteppingClock,
    release_held: Release,
) -> None:
    watched = WatchedConnections(mongo_db, secret_key)
    tokens = TokenManager(watched, lambda _: token_endpoint, clock, owner="replica-a")
    await add_fault(http, sandbox, "oauth.token", "latency", times=None, seconds=HELD)
    callers = [asyncio.create_task(tokens.access_token()) for _ in range(CALLERS)]

    async def all_parked_behind_a_token_call() -> bool:
        in_flight = await sandbox_counter(http, sandbox, "fault.latency")
        return in_flight >= 1 and len(watched.callers) == CALLERS and watched.busy == 0

    # Every caller has come, one token call is held, and nobody is still reading or writing:
    # the others are either waiting for that call or have sent calls of their own.
    await eventually(all_parked_behind_a_token_call, what="callers parked")
    await release_held()
    handed_out = await asyncio.gather(*callers)

    assert await sandbox_counter(http, sandbox, "mints") == 1 + 1  # the code exchange + one refresh
    assert len(set(handed_out)) == 1
    stored = await connections.load()
    assert stored is not None
    assert len(stored.mints_ms) == 1


async def test_callers_keep_a_still_valid_token_while_the_refresh_is_in_flight(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    clock: SteppingClock,
    release_held: Release,
) -> None:
    first = await tokens.access_token()
    clock.advance(3600 - 100)  # inside the refresh margin, still valid
    await add_fault(http, sandbox, "oauth.token", "latency", times=1, seconds=HELD)
    refreshing = asyncio.create_task(tokens.access_token())

    async def token_call_held() -> bool:
        return await sandbox_counter(http, sandbox, "fault.latency") == 1

    await eventually(token_call_held, what="a held token call")
    assert await tokens.access_token() == first  # no wait, no second call
    await release_held()
    assert await refreshing != first
    assert await sandbox_counter(http, sandbox, "mints") == 1 + 2


def test_the_refresh_lease_is_longer_than_the_token_call_by_construction() -> None:
    policy = TokenPolicy(call_timeout_ms=45_000)

    assert policy.lease_ms > policy.call_timeout_ms
    assert TokenPolicy().lease_ms == 30_000
    with pytest.raises(ValueError, match="positive"):
        TokenPolicy(lease_margin_ms=0)
    with pytest.raises(ValueError, match="positive"):
        TokenPolicy(call_timeout_ms=0)


async def test_a_hung_token_call_is_given_up_at_the_policy_limit_and_stays_counted(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
    clock: SteppingClock,
    release_held: Release,
) -> None:
    """The endpoint's own timeout (30 s) is longer than the limit; the limit wins.

    ``release_held`` lets the sandbox finish the abandoned call when the test ends.
    """
    policy = TokenPolicy(call_timeout_ms=200, lease_margin_ms=100)
    tokens = TokenManager(connections, lambda _: token_endpoint, clock, "replica-a", policy)
    await add_fault(http, sandbox, "oauth.token", "latency", times=1, seconds=HELD)

    with pytest.raises(ZohoUnavailable, match="in time"):
        await tokens.access_token()

    stored = await connections.load()
    assert stored is not None
    assert stored.lease_owner is None
    assert stored.mints_ms == (clock.now_ms(),)  # it may have reached Zoho: counted
    with pytest.raises(TokenUnavailable):
        await tokens.access_token()  # paused a moment, as after any failed token call


async def test_a_token_call_cut_off_by_a_shutdown_frees_the_lease_and_stays_counted(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
    clock: SteppingClock,
    release_held: Release,
) -> None:
    """A SIGTERM during the token call (say at start-up) must not keep every other replica
    from minting until the lease (30 s) expires."""
    tokens = TokenManager(connections, lambda _: token_endpoint, clock, "replica-a")
    await add_fault(http, sandbox, "oauth.token", "latency", times=1, seconds=HELD)
    refreshing = asyncio.create_task(tokens.access_token())

    async def arrived() -> bool:
        return await sandbox_counter(http, sandbox, "fault.latency") == 1

    await eventually(arrived, what="the token call held by the sandbox")
    refreshing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await refreshing

    stored = await connections.load()
    assert stored is not None
    assert (stored.lease_owner, stored.lease_until_ms) == (None, 0)
    assert stored.mints_ms == (clock.now_ms(),)  # it may have reached Zoho: counted
