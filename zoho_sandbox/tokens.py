"""Zoho Accounts' memory: grant codes, refresh tokens and access tokens, with Zoho's limits.

Pure bookkeeping, no HTTP: ``accounts`` speaks the token endpoint's protocol on
top of it and ``gate`` asks it whether an access token is alive. Times are
sandbox seconds, passed in by the caller; limits are read from the config on
every call, so a runtime config change applies at once (``zoho-books-api.md`` §2.6):

- grant codes are single use and live ``grant_code_ttl``; a client gets at most
  ``grant_codes_per_window`` of them per ``mint_window``.
- a refresh token takes at most ``mint_limit`` refresh grants per ``mint_window``.
  Denied attempts are counted too, so retrying during the lockout prolongs it.
  The access token handed out with the code exchange is not a refresh grant.
- at most ``live_tokens_per_refresh_token`` unexpired access tokens per refresh
  token: minting another evicts the oldest.
- at most ``refresh_tokens_per_user`` refresh tokens per user and client: a new
  one evicts the oldest, with every access token minted from it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .config import SandboxConfig

SANDBOX_USER = "sandbox.user@example.com"


class MintDeniedError(Exception):
    """A limit refused to mint: too many refresh grants or grant codes in the window."""


@dataclass(frozen=True)
class GrantCode:
    """A grant code waiting to be exchanged."""

    client_id: str
    user: str
    scopes: tuple[str, ...]
    expires_at: float
    redirect_uri: str | None


@dataclass(frozen=True)
class AccessToken:
    """An access token: who minted it, what it may do, until when."""

    refresh_token: str
    scopes: tuple[str, ...]
    expires_at: float


@dataclass
class RefreshToken:
    """A refresh token, the access tokens minted from it (oldest first) and its mint attempts."""

    client_id: str
    user: str
    scopes: tuple[str, ...]
    created_at: float
    access_tokens: list[str] = field(default_factory=list)
    mint_attempts: deque[float] = field(default_factory=deque)


def parse_scopes(text: str) -> tuple[str, ...]:
    """Zoho's comma-separated scope list (stray spaces tolerated)."""
    return tuple(part for part in text.replace(" ", ",").split(",") if part)


def _new_token() -> str:
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


def _recent(times: deque[float], now: float, window: float) -> deque[float]:
    while times and times[0] <= now - window:
        times.popleft()
    return times


class TokenRegistry:
    """Every grant code and token the sandbox's accounts server has handed out."""

    def __init__(self) -> None:
        self.codes: dict[str, GrantCode] = {}
        self.code_issues: dict[str, deque[float]] = {}
        self.refresh: dict[str, RefreshToken] = {}
        self.access: dict[str, AccessToken] = {}

    def clear(self) -> None:
        """Forget everything (the control API's reset)."""
        self.codes.clear()
        self.code_issues.clear()
        self.refresh.clear()
        self.access.clear()

    def issue_code(
        self,
        config: SandboxConfig,
        now: float,
        client_id: str,
        scopes: tuple[str, ...],
        redirect_uri: str | None = None,
    ) -> str:
        """A new grant code; ``MintDeniedError`` once the client has had too many in the window."""
        issued = _recent(self.code_issues.setdefault(client_id, deque()), now, config.mint_window)
        if len(issued) >= config.grant_codes_per_window:
            raise MintDeniedError("grant codes")
        issued.append(now)
        self.codes = {code: g for code, g in self.codes.items() if g.expires_at > now}
        code = _new_token()
        expires_at = now + config.grant_code_ttl
        self.codes[code] = GrantCode(client_id, SANDBOX_USER, scopes, expires_at, redirect_uri)
        return code

    def redeem_code(self, code: str, client_id: str, now: float) -> GrantCode | None:
        """The grant behind ``code`` if it is this client's and alive; a code works only once."""
        grant = self.codes.pop(code, None)
        if grant is None or grant.client_id != client_id or grant.expires_at <= now:
            return None
        return grant

    def open_refresh_token(self, config: SandboxConfig, now: float, grant: GrantCode) -> str:
        """A refresh token for ``grant``, evicting the user's oldest beyond the limit."""
        token = _new_token()
        self.refresh[token] = RefreshToken(grant.client_id, grant.user, grant.scopes, now)
        siblings = [
            t
            for t, r in self.refresh.items()
            if r.client_id == grant.client_id and r.user == grant.user
        ]
        for old in siblings[: max(0, len(siblings) - config.refresh_tokens_per_user)]:
            self.revoke(old)
        return token

    def refresh_grant(self, config: SandboxConfig, now: float, refresh_token: str) -> str:
        """An access token by the refresh grant; ``MintDeniedError`` over the mint limit."""
        attempts = _recent(self.refresh[refresh_token].mint_attempts, now, config.mint_window)
        attempts.append(now)
        if len(attempts) > config.mint_limit:
            raise MintDeniedError("access tokens")
        return self.mint(config, now, refresh_token)

    def mint(self, config: SandboxConfig, now: float, refresh_token: str) -> str:
        """A new access token from ``refresh_token``, evicting the oldest live ones beyond 15."""
        owner = self.refresh[refresh_token]
        live = [t for t in owner.access_tokens if self.lookup(t, now) is not None]
        for dead in set(owner.access_tokens) - set(live):
            self.access.pop(dead, None)
        while len(live) >= config.live_tokens_per_refresh_token:
            self.access.pop(live.pop(0), None)
        token = _new_token()
        self.access[token] = AccessToken(refresh_token, owner.scopes, now + config.access_token_ttl)
        owner.access_tokens = [*live, token]
        return token

    def lookup(self, access_token: str, now: float) -> AccessToken | None:
        """The access token if it exists and has not expired."""
        found = self.access.get(access_token)
        if found is None or found.expires_at <= now:
            return None
        return found

    def revoke(self, token: str) -> bool:
        """Kill a refresh token (with its access tokens) or one access token; False if unknown."""
        owner = self.refresh.pop(token, None)
        if owner is not None:
            for access in owner.access_tokens:
                self.access.pop(access, None)
            return True
        return self.access.pop(token, None) is not None

    def summary(self, config: SandboxConfig, now: float) -> list[dict[str, Any]]:
        """Refresh tokens without their values, for the control API's state."""
        return [
            {
                "refresh_token_sha256": hashlib.sha256(token.encode()).hexdigest()[:12],
                "client_id": r.client_id,
                "user": r.user,
                "scopes": list(r.scopes),
                "created_at": r.created_at,
                "live_access_tokens": sum(self.lookup(t, now) is not None for t in r.access_tokens),
                "mint_attempts_in_window": len(_recent(r.mint_attempts, now, config.mint_window)),
            }
            for token, r in self.refresh.items()
        ]
