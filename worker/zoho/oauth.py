"""Zoho Accounts' token endpoint: exchange a grant code, refresh, revoke.

Parameters travel in a form body, never a URL. Zoho answers credential
problems with HTTP 200 and an ``error`` key, so the body decides, not the
status. Failures map onto ``worker.zoho.errors``:

- ``invalid_code`` / ``invalid_token``: the refresh token is dead → ``ConnectionBroken``
- ``invalid_client`` / ``invalid_client_secret``: the client is wrong → ``ConnectionBroken``
- "Access Denied" (too many mints): → ``MintingDenied``
- no connection made (refused, DNS, TLS, connect timeout): nothing was sent → ``ZohoUnreachable``
- a timeout or reset after connecting, HTTP 5xx, a body that is not JSON → ``ZohoUnavailable``:
  the request may have reached Zoho, and a mint may have happened
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from .datacenters import REVOKE_PATH, TOKEN_PATH
from .errors import (
    ConnectionBroken,
    MintingDenied,
    ZohoUnavailable,
    ZohoUnreachable,
    ZohoValidationError,
)

DEAD_GRANT = frozenset({"invalid_code", "invalid_token", "invalid_grant"})
BAD_CLIENT = frozenset({"invalid_client", "invalid_client_secret", "unauthorized_client"})


@dataclass(frozen=True)
class MintedToken:
    """What a successful token call returned."""

    access_token: str
    expires_in: int
    api_domain: str | None
    refresh_token: str | None  # only the authorization-code grant returns one
    scope: str | None

    def __repr__(self) -> str:
        return f"MintedToken(expires_in={self.expires_in}, api_domain={self.api_domain!r})"


@dataclass(frozen=True)
class OAuthClientCredentials:
    """The client registered in Zoho's API console."""

    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"OAuthClientCredentials(client_id={self.client_id!r})"


class TokenEndpoint:
    """Calls to ``{accounts}/oauth/v2/token``; one instance per accounts origin."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        accounts_origin: str,
        credentials: OAuthClientCredentials,
        timeout: aiohttp.ClientTimeout | None = None,
    ) -> None:
        self._session = session
        self._origin = accounts_origin.rstrip("/")
        self._credentials = credentials
        self._timeout = timeout or aiohttp.ClientTimeout(total=30)

    async def refresh(self, refresh_token: str) -> MintedToken:
        """A new access token for ``refresh_token``."""
        body = await self._post(TOKEN_PATH, self._form("refresh_token", refresh_token))
        return _minted(body)

    async def exchange_code(self, code: str, redirect_uri: str) -> MintedToken:
        """Tokens (including the refresh token) for a grant code from the consent redirect."""
        form = self._form("authorization_code", None)
        form |= {"code": code, "redirect_uri": redirect_uri}
        minted = _minted(await self._post(TOKEN_PATH, form))
        if minted.refresh_token is None:
            raise ConnectionBroken(
                "Zoho returned no refresh token: consent again with offline access"
            )
        return minted

    async def revoke(self, token: str) -> None:
        """Revoke a refresh token (and every access token minted from it)."""
        await self._post(REVOKE_PATH, {"token": token}, expect_tokens=False)

    def _form(self, grant_type: str, refresh_token: str | None) -> dict[str, str]:
        form = {
            "grant_type": grant_type,
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
        }
        if refresh_token is not None:
            form["refresh_token"] = refresh_token
        return form

    async def _post(
        self, path: str, form: dict[str, str], *, expect_tokens: bool = True
    ) -> dict[str, Any]:
        try:
            async with self._session.post(
                self._origin + path, data=form, timeout=self._timeout
            ) as resp:
                status, text = resp.status, await resp.text()
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise ZohoUnreachable(f"Zoho accounts unreachable: {type(exc).__name__}") from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ZohoUnavailable(f"no answer from Zoho accounts: {type(exc).__name__}") from None
        body = _json_object(text)
        _raise_for_token_error(status, body, expect_tokens=expect_tokens)
        return body


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _raise_for_token_error(status: int, body: dict[str, Any], *, expect_tokens: bool) -> None:
    error = str(body.get("error", "")).strip()
    if error.lower() == "access denied" or error == "access_denied":
        raise MintingDenied(
            "Zoho accounts: Access Denied (too many token requests)", http_status=status
        )
    if error in DEAD_GRANT:
        raise ConnectionBroken(f"Zoho rejected the grant: {error}", http_status=status)
    if error in BAD_CLIENT:
        raise ConnectionBroken(f"Zoho rejected the OAuth client: {error}", http_status=status)
    if status >= 500:
        raise ZohoUnavailable("Zoho accounts failed", http_status=status)
    if error or status >= 400:
        raise ZohoValidationError(
            f"Zoho accounts refused: {error or 'HTTP error'}", http_status=status
        )
    if expect_tokens and "access_token" not in body:
        raise ZohoUnavailable("Zoho accounts answered without an access token", http_status=status)


def _minted(body: dict[str, Any]) -> MintedToken:
    return MintedToken(
        access_token=str(body["access_token"]),
        expires_in=int(body.get("expires_in", 3600)),
        api_domain=body.get("api_domain"),
        refresh_token=body.get("refresh_token"),
        scope=body.get("scope"),
    )
