"""When an access token is fresh, still usable, or may be refreshed: pure timing rules.

No I/O here: ``worker.zoho.tokens.TokenManager`` reads the shared
:class:`~worker.domain.connection.StoredConnection`, asks these rules with the
time it read, and does what they say (use the token, wait, take the lease, mint).

Refresh early: a token is *fresh* while more than min(300 s, 10 % of its
lifetime) is left; below that one replica refreshes while the others keep using
the still *valid* old one. Zoho allows ``mint_limit`` mints per refresh token
per ``mint_window_ms``; every attempt in the window counts, and minting is
blocked until the oldest leaves it (or until an "Access Denied" lock-out ends).

A token Zoho refused before its time, recorded when the refresh meant to replace it
failed (``StoredConnection.rejected_token_hash``), is neither fresh nor usable: every
replica stops calling with it and mints instead as soon as minting is allowed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .connection import StoredConnection


@dataclass(frozen=True)
class TokenPolicy:
    """Zoho's token limits and how long replicas wait for each other."""

    mint_limit: int = 10
    mint_window_ms: int = 600_000
    lockout_ms: int = 600_000
    call_timeout_ms: int = 20_000  # the whole token call, cut off here
    lease_margin_ms: int = 10_000  # the connection reads and writes around the call
    transient_pause_ms: int = 5_000  # after a token call that failed on Zoho's side
    max_refresh_margin_ms: int = 300_000
    poll_seconds: float = 0.05

    def __post_init__(self) -> None:
        if self.call_timeout_ms <= 0 or self.lease_margin_ms <= 0:
            raise ValueError("call_timeout_ms and lease_margin_ms must be positive")

    @property
    def lease_ms(self) -> int:
        """The refresh lease: longer than the token call can take, by the margin."""
        return self.call_timeout_ms + self.lease_margin_ms


def refresh_margin_ms(expires_in: int, policy: TokenPolicy) -> int:
    """Refresh when less than min(300 s, 10 % of the token's lifetime) is left."""
    return min(policy.max_refresh_margin_ms, expires_in * 100)


def token_fingerprint(token: str) -> str:
    """A stable, non-reversible name for a token (an access token Zoho refused, the refresh
    token last adopted from the environment)."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_valid(connection: StoredConnection, now_ms: int) -> bool:
    """There is an access token and it has not expired."""
    return bool(connection.access_token) and connection.access_expires_at_ms > now_ms


def known_rejected(connection: StoredConnection) -> bool:
    """Zoho refused the stored access token (as recorded when its refresh failed)."""
    return bool(connection.access_token) and connection.rejected_token_hash == token_fingerprint(
        str(connection.access_token)
    )


def is_fresh(
    connection: StoredConnection, now_ms: int, policy: TokenPolicy, rejected: str | None
) -> bool:
    """More than the refresh margin left, and neither the token Zoho ``rejected`` nor one
    recorded as refused."""
    margin = refresh_margin_ms(connection.expires_in, policy)
    return (
        bool(connection.access_token)
        and connection.access_token != rejected
        and not known_rejected(connection)
        and connection.access_expires_at_ms - now_ms > margin
    )


def usable_token(connection: StoredConnection, now_ms: int, rejected: str | None) -> str | None:
    """The token if it is still valid and neither the rejected one nor one recorded as refused:
    good enough while others mint."""
    if (
        is_valid(connection, now_ms)
        and connection.access_token != rejected
        and not known_rejected(connection)
    ):
        return connection.access_token
    return None


def leased_by_other(connection: StoredConnection, owner: str, now_ms: int) -> bool:
    """Another replica holds an unexpired refresh lease."""
    return connection.lease_owner not in (None, owner) and connection.lease_until_ms > now_ms


def recent_mints(connection: StoredConnection, now_ms: int, policy: TokenPolicy) -> tuple[int, ...]:
    """Mint attempts still inside Zoho's window, oldest first."""
    since = now_ms - policy.mint_window_ms
    return tuple(stamp for stamp in connection.mints_ms if stamp > since)


def mint_blocked_until(
    connection: StoredConnection, now_ms: int, policy: TokenPolicy
) -> int | None:
    """When minting may be tried again (a lock-out, or a full mint window); None: now."""
    if connection.denied_until_ms > now_ms:
        return connection.denied_until_ms
    recent = recent_mints(connection, now_ms, policy)
    if len(recent) >= policy.mint_limit:
        return min(recent) + policy.mint_window_ms
    return None
