"""Access tokens against the sandbox's accounts server, shared through MongoDB."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support.stepping_clock import SteppingClock
from tests.support.zoho_fixtures import CREDENTIALS, add_fault, sandbox_counter
from worker.domain.connection import StoredConnection
from worker.domain.readiness import connection_state
from worker.domain.token_rules import TokenPolicy, token_fingerprint
from worker.store.connection import ConnectionRepository
from worker.zoho.errors import (
    ConnectionBroken,
    MintingDenied,
    TokenUnavailable,
    ZohoUnavailable,
    ZohoUnreachable,
)
from worker.zoho.oauth import TokenEndpoint
from worker.zoho.tokens import TokenManager
from zoho_sandbox import RunningSandbox, SandboxConfig


async def test_first_call_mints_and_later_calls_reuse_the_shared_token(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    connections: ConnectionRepository,
) -> None:
    first = await tokens.access_token()
    again = await tokens.access_token()

    assert first == again
    assert await sandbox_counter(http, sandbox, "mints") == 2  # the code exchange + one refresh
    stored = await connections.load()
    assert stored is not None
    assert stored.access_token == first
    assert stored.expires_in == 3600


async def test_refreshes_only_inside_the_last_300_seconds_of_an_hour_token(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    clock: SteppingClock,
) -> None:
    first = await tokens.access_token()

    clock.advance(3600 - 301)
    assert await tokens.access_token() == first
    clock.advance(2)
    second = await tokens.access_token()

    assert second != first
    assert await sandbox_counter(http, sandbox, "mints") == 3


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(access_token_ttl=600)])
async def test_a_short_token_is_refreshed_in_its_last_tenth(
    connected: StoredConnection, tokens: TokenManager, clock: SteppingClock
) -> None:
    first = await tokens.access_token()

    clock.advance(600 - 61)
    assert await tokens.access_token() == first
    clock.advance(2)

    assert await tokens.access_token() != first


async def test_after_a_401_a_newer_shared_token_is_used_without_minting(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
    clock: SteppingClock,
) -> None:
    replica_a = TokenManager(connections, lambda _: token_endpoint, clock, owner="a")
    replica_b = TokenManager(connections, lambda _: token_endpoint, clock, owner="b")
    stale = await replica_a.access_token()
    fresh = await replica_b.after_unauthorized(stale)

    assert fresh != stale
    assert await replica_a.after_unauthorized(stale) == fresh
    assert await sandbox_counter(http, sandbox, "mints") == 3


async def test_a_burst_of_401s_never_mints_more_than_10_in_10_minutes(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    clock: SteppingClock,
) -> None:
    token = await tokens.access_token()
    refusals: list[TokenUnavailable] = []
    for _ in range(15):
        try:
            token = await tokens.after_unauthorized(token)
        except TokenUnavailable as exc:
            refusals.append(exc)

    assert await sandbox_counter(http, sandbox, "mints") == 1 + 10
    assert await sandbox_counter(http, sandbox, "oauth.access_denied") == 0
    assert len(refusals) == 15 + 1 - 10
    assert all((exc.retry_at_ms or 0) > clock.now_ms() for exc in refusals)


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(mint_limit=2)])
async def test_access_denied_stops_minting_for_ten_minutes(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    clock: SteppingClock,
) -> None:
    token = await tokens.access_token()
    token = await tokens.after_unauthorized(token)
    with pytest.raises(MintingDenied):
        await tokens.after_unauthorized(token)
    calls_when_denied = await sandbox_counter(http, sandbox, "oauth.access_denied")

    clock.advance(599)
    with pytest.raises(TokenUnavailable):
        await tokens.after_unauthorized(token)
    assert await sandbox_counter(http, sandbox, "oauth.access_denied") == calls_when_denied

    clock.advance(2)
    await _advance_sandbox(http, sandbox, 601)
    assert await tokens.after_unauthorized(token) != token


async def test_a_revoked_refresh_token_breaks_the_connection_without_looping(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    token_endpoint: TokenEndpoint,
    connections: ConnectionRepository,
    clock: SteppingClock,
) -> None:
    await tokens.access_token()
    await token_endpoint.revoke(connected.refresh_token)
    clock.advance(3600)

    with pytest.raises(ConnectionBroken):
        await tokens.access_token()
    mints_after = await sandbox_counter(http, sandbox, "mints")
    with pytest.raises(ConnectionBroken):
        await tokens.access_token()

    stored = await connections.load()
    assert stored is not None
    assert stored.status == "broken"
    assert stored.broken_reason is not None
    assert "invalid_code" in stored.broken_reason
    assert await sandbox_counter(http, sandbox, "mints") == mints_after


async def test_nothing_connected_is_a_broken_connection(tokens: TokenManager) -> None:
    with pytest.raises(ConnectionBroken, match="not connected"):
        await tokens.access_token()


async def test_a_lease_held_by_another_replica_is_waited_out_then_taken(
    connected: StoredConnection,
    connections: ConnectionRepository,
    tokens: TokenManager,
    clock: SteppingClock,
) -> None:
    """A replica that died holding the lease delays the refresh by at most the lease time."""
    policy = TokenPolicy()
    held = await connections.save(
        connected.replace(lease_owner="dead-replica", lease_until_ms=clock.now_ms() + 5_000)
    )
    assert held is not None
    started = clock.now_ms()

    token = await tokens.access_token()

    assert token
    assert clock.now_ms() - started >= 5_000
    assert clock.now_ms() - started < policy.lease_ms


async def _advance_sandbox(http: aiohttp.ClientSession, sandbox: RunningSandbox, s: float) -> None:
    async with http.post(f"{sandbox.origin}/_sandbox/clock", json={"advance": s}) as resp:
        assert resp.status == 200


async def test_a_token_call_that_never_left_does_not_use_up_the_mint_budget(
    http: aiohttp.ClientSession,
    connected: StoredConnection,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
    clock: SteppingClock,
) -> None:
    """An accounts server nobody can connect to must not leave minting blocked after it is back."""
    endpoint = TokenEndpoint(http, "http://127.0.0.1:9", CREDENTIALS)  # refused: nothing is sent
    tokens = TokenManager(connections, lambda _: endpoint, clock, owner="replica-a")
    for _ in range(12):
        with pytest.raises(ZohoUnreachable):
            await tokens.access_token()
        with pytest.raises(TokenUnavailable):
            await tokens.access_token()  # paused briefly: no call while the server struggles
        clock.advance(6)

    stored = await connections.load()
    assert stored is not None
    assert stored.mints_ms == ()
    endpoint = token_endpoint
    assert await tokens.access_token()


@pytest.mark.parametrize("mode", ["rejected_500", "applied_then_reset"])
async def test_a_token_call_that_may_have_minted_stays_counted(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    connections: ConnectionRepository,
    clock: SteppingClock,
    mode: str,
) -> None:
    """SPEC §5: a mint whose request may have left counts even when its answer was lost."""
    await add_fault(http, sandbox, "oauth.token", mode, times=10)
    for _ in range(10):
        with pytest.raises(ZohoUnavailable) as caught:
            await tokens.access_token()
        assert not isinstance(caught.value, ZohoUnreachable)
        clock.advance(6)

    stored = await connections.load()
    assert stored is not None
    assert len(stored.mints_ms) == 10
    with pytest.raises(TokenUnavailable) as refused:
        await tokens.access_token()  # an 11th would be over Zoho's limit: not sent
    assert refused.value.retry_at_ms == stored.mints_ms[0] + 600_000
    assert await sandbox_counter(http, sandbox, f"fault.{mode}") == 10
    assert await sandbox_counter(http, sandbox, "oauth.access_denied") == 0


async def _stored(connections: ConnectionRepository) -> StoredConnection:
    stored = await connections.load()
    assert stored is not None
    return stored


async def test_a_refused_token_whose_refresh_failed_is_recorded_and_not_handed_out_again(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    connections: ConnectionRepository,
    clock: SteppingClock,
) -> None:
    """Readiness reads the record: not ready from the failed refresh until the next mint."""
    refused = await tokens.access_token()
    await add_fault(http, sandbox, "oauth.token", "rejected_500", times=1)
    with pytest.raises(ZohoUnavailable):
        await tokens.after_unauthorized(refused)

    failed = await _stored(connections)
    assert failed.access_token == refused  # valid by the clock for nearly an hour
    assert failed.refresh_failing_since_ms == clock.now_ms()
    assert failed.rejected_token_hash == token_fingerprint(refused)
    assert connection_state(failed, clock.now_ms()) == "refresh_failing"
    with pytest.raises(TokenUnavailable):
        await tokens.access_token()  # paused, and the refused token is no fallback

    clock.advance(6)
    minted = await tokens.access_token()

    assert minted != refused
    healed = await _stored(connections)
    assert (healed.refresh_failing_since_ms, healed.rejected_token_hash) == (0, None)
    assert connection_state(healed, clock.now_ms()) == "connected"


async def test_failed_early_refreshes_keep_their_first_time_and_the_good_token_in_use(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    connected: StoredConnection,
    tokens: TokenManager,
    connections: ConnectionRepository,
    clock: SteppingClock,
) -> None:
    first = await tokens.access_token()
    clock.advance(3600 - 100)  # inside the refresh margin, still valid
    await add_fault(http, sandbox, "oauth.token", "rejected_500", times=2)
    assert await tokens.access_token() == first  # the refresh failed: the old token serves
    failed_at = clock.now_ms()
    assert await tokens.access_token() == first  # paused: the still-valid token will do

    clock.advance(6)
    assert await tokens.access_token() == first  # failed again, still the old token
    assert await sandbox_counter(http, sandbox, "fault.rejected_500") == 2
    failing = await _stored(connections)
    assert (failing.refresh_failing_since_ms, failing.rejected_token_hash) == (failed_at, None)
    assert connection_state(failing, clock.now_ms()) == "connected"

    clock.advance(6)
    assert await tokens.access_token() != first
    assert (await _stored(connections)).refresh_failing_since_ms == 0
