"""Access tokens shared by every replica: refreshed early, once, and never too often.

The access token lives in the shared connection record (the ``ConnectionStore``
port; MongoDB, encrypted). A caller gets it from there while more than
min(300 s, 10 % of its lifetime) is left. Otherwise one replica takes the
refresh lease — a field in the same record, written by compare-and-swap — and
mints; the others keep using the old token while it is still valid, or wait
for the new version.

Within a replica, one in-process flight: while a refresh runs, other callers
of the same manager wait for it (or keep using a token that is still valid)
instead of each taking the replica's own lease in turn and minting again.

The lease outlasts the token call by construction: ``TokenPolicy.lease_ms`` is
the call's time limit plus a margin, and the manager cuts the call off at that
limit whatever the endpoint's own timeout says.

Zoho allows 10 mints per refresh token per 10 minutes; the mint log in the
document keeps every replica together under that cap. An attempt is logged
before its request leaves, and stays logged unless the request surely never
left (no connection was made): a timeout, reset or 5xx may have minted a token
whose answer was lost (SPEC §5). A failed call is also recorded for readiness:
since when token calls have been failing, and, when the refresh was replacing a token
Zoho had refused, that token's fingerprint, so no replica calls with it again; the next
mint clears both. "Access Denied" stops all minting for 10
minutes. A dead refresh token marks the connection broken: every later call
fails fast with ``ConnectionBroken`` until a person reconnects.

The timing rules (fresh, still usable, mint window, blocked until) are pure
functions in ``worker.domain.token_rules``; this module does the reads, writes
and the token call they lead to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog

from ..clock import Clock
from ..domain.connection import StoredConnection
from ..domain.token_rules import (
    TokenPolicy,
    is_fresh,
    leased_by_other,
    mint_blocked_until,
    recent_mints,
    token_fingerprint,
    usable_token,
)
from ..metrics import TOKEN_REFRESHES
from .errors import (
    ConnectionBroken,
    MintingDenied,
    TokenUnavailable,
    TransientZohoError,
    ZohoUnavailable,
    ZohoUnreachable,
)
from .oauth import MintedToken, TokenEndpoint
from .ports import ConnectionStore

log = structlog.get_logger(__name__)


class TokenManager:
    """Hands out a valid access token; refreshes it single-flight across replicas and within one.

    One manager per replica (its ``owner``): the in-process flight is per manager.
    """

    def __init__(
        self,
        repository: ConnectionStore,
        endpoint_for: Callable[[StoredConnection], TokenEndpoint],
        clock: Clock,
        owner: str,
        policy: TokenPolicy | None = None,
    ) -> None:
        self._repository = repository
        self._endpoint_for = endpoint_for
        self._clock = clock
        self._owner = owner
        self._policy = policy or TokenPolicy()
        self._flight = asyncio.Lock()
        # From the last read of the connection: where Books calls go.
        self.data_center: str | None = None
        self.api_domain: str | None = None

    async def access_token(self) -> str:
        """A token with enough life left, refreshing first when it has not."""
        connection = await self._connected()
        if is_fresh(connection, self._clock.now_ms(), self._policy, rejected=None):
            return str(connection.access_token)
        return await self._renew(connection, rejected=None)

    async def after_unauthorized(self, rejected: str) -> str:
        """Zoho refused ``rejected``: take a newer shared token, or refresh."""
        connection = await self._connected()
        if usable := usable_token(connection, self._clock.now_ms(), rejected):
            return usable
        return await self._renew(connection, rejected=rejected)

    async def _renew(self, connection: StoredConnection, rejected: str | None) -> str:
        """Join this replica's one flight; while it runs, a still-valid token will do."""
        if self._flight.locked() and (
            usable := usable_token(connection, self._clock.now_ms(), rejected)
        ):
            return usable
        async with self._flight:
            return await self._renew_in_flight(rejected)

    async def _renew_in_flight(self, rejected: str | None) -> str:
        deadline = self._clock.now_ms() + 2 * self._policy.lease_ms
        while True:
            connection = await self._connected()
            now = self._clock.now_ms()
            if is_fresh(connection, now, self._policy, rejected):
                return str(connection.access_token)
            fallback = usable_token(connection, now, rejected)
            blocked_until = mint_blocked_until(connection, now, self._policy)
            if blocked_until:
                if fallback:
                    return fallback
                raise TokenUnavailable("token minting is paused", retry_at_ms=blocked_until)
            if leased_by_other(connection, self._owner, now):
                if fallback:
                    return fallback
                if now > deadline:
                    raise TokenUnavailable("another replica is refreshing the token")
                await self._clock.sleep(self._policy.poll_seconds)
                continue
            leased = await self._take_lease(connection)
            if leased is not None:
                try:
                    return await self._mint(leased, rejected)
                except TransientZohoError:
                    if fallback:  # an early refresh failed: the old token still serves
                        return fallback
                    raise

    async def _take_lease(self, connection: StoredConnection) -> StoredConnection | None:
        now = self._clock.now_ms()
        recent = recent_mints(connection, now, self._policy)
        return await self._repository.save(
            connection.replace(
                lease_owner=self._owner,
                lease_until_ms=now + self._policy.lease_ms,
                mints_ms=(*recent, now),  # counted before the call: a crash still counts it
                updated_at_ms=now,
            )
        )

    async def _mint(self, leased: StoredConnection, rejected: str | None) -> str:
        # The token this refresh replaces, if Zoho refused it: kept out of use until a mint.
        refused = {"rejected_token_hash": token_fingerprint(rejected)} if rejected else {}
        try:
            minted = await self._call(leased)
        except asyncio.CancelledError:
            # Stopping (SIGTERM) mid-call: free the lease now, not when it expires, so another
            # replica can mint; the attempt stays counted (it may have reached Zoho).
            await asyncio.shield(self._update())
            raise
        except ConnectionBroken as exc:
            TOKEN_REFRESHES.labels("broken").inc()
            await self._update(status="broken", broken_reason=exc.message)
            log.error("zoho connection broken", reason=exc.message)  # noqa: TRY400 - expected, no trace
            raise
        except MintingDenied as exc:
            TOKEN_REFRESHES.labels("access_denied").inc()
            until = self._clock.now_ms() + self._policy.lockout_ms
            # Zoho answered: the lock-out, not an outage, is what stands in the way now.
            await self._update(denied_until_ms=until, refresh_failing_since_ms=0, **refused)
            log.warning("zoho refused to mint; minting paused", until_ms=until)
            raise MintingDenied(exc.message, retry_at_ms=until) from None
        except ZohoUnreachable:
            TOKEN_REFRESHES.labels("unreachable").inc()
            # Nothing was sent, so nothing was minted: this attempt (logged last) leaves the count.
            await self._failed(leased, refused, mints_ms=leased.mints_ms[:-1])
            raise
        except TransientZohoError:
            TOKEN_REFRESHES.labels("unavailable").inc()
            # The request may have minted: the attempt stays counted.
            await self._failed(leased, refused)
            raise
        await self._store_minted(minted)
        TOKEN_REFRESHES.labels("minted").inc()
        log.info("zoho access token refreshed", expires_in=minted.expires_in)
        return minted.access_token

    async def _call(self, leased: StoredConnection) -> MintedToken:
        """The token call, over before the lease is (``TokenPolicy.lease_ms``)."""
        endpoint = self._endpoint_for(leased)
        try:
            async with asyncio.timeout(self._policy.call_timeout_ms / 1000):
                return await endpoint.refresh(leased.refresh_token)
        except TimeoutError:
            raise ZohoUnavailable("Zoho accounts did not answer in time") from None

    async def _failed(
        self, leased: StoredConnection, refused: dict[str, str], **changes: object
    ) -> None:
        """Record the failure (readiness reads it) and pause: every replica waits a little
        before the next attempt, instead of hammering Zoho."""
        now = self._clock.now_ms()
        await self._update(
            denied_until_ms=now + self._policy.transient_pause_ms,
            refresh_failing_since_ms=leased.refresh_failing_since_ms or now,
            **refused,
            **changes,
        )

    async def _store_minted(self, minted: MintedToken) -> None:
        now = self._clock.now_ms()
        await self._update(
            access_token=minted.access_token,
            access_expires_at_ms=now + minted.expires_in * 1000,
            expires_in=minted.expires_in,
            refresh_failing_since_ms=0,
            rejected_token_hash=None,
            **({"api_domain": minted.api_domain} if minted.api_domain else {}),
        )

    async def _update(self, **changes: object) -> None:
        """Apply ``changes`` and release our lease, re-reading on a lost race."""
        for _ in range(10):
            current = await self._repository.load()
            if current is None:
                return
            if current.lease_owner == self._owner:
                changes = {**changes, "lease_owner": None, "lease_until_ms": 0}
            changes["updated_at_ms"] = self._clock.now_ms()
            if await self._repository.save(current.replace(**changes)) is not None:
                return
        log.warning("zoho token state not saved after repeated write races")

    async def _connected(self) -> StoredConnection:
        connection = await self._repository.load()
        if connection is None:
            raise ConnectionBroken("Zoho is not connected")
        if connection.status == "broken":
            raise ConnectionBroken(connection.broken_reason or "the Zoho connection is broken")
        self.data_center, self.api_domain = connection.data_center, connection.api_domain
        return connection
