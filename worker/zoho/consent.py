"""Connecting Zoho by consent: the authorization URL, the callback's checks, the code exchange,
and disconnecting (SPEC §5, §7; API notes §2.1-2.3).

Every authorization request carries a random single-use ``state`` kept in shared
storage with an expiry; the callback takes it (once) before anything else. The
grant code is then sent only to a known data center's accounts server or the
configured override, never to whatever ``accounts-server`` a redirect named.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
import structlog

from ..clock import Clock
from ..domain.connection import StoredConnection
from ..domain.consent import ConsentState
from ..domain.scopes import REQUIRED_SCOPES
from .connect import store_refresh_token
from .datacenters import AUTHORIZE_PATH, DATA_CENTERS
from .errors import ConsentRefused, PermanentZohoError
from .oauth import OAuthClientCredentials, TokenEndpoint
from .ports import ConnectionRecord, ConsentStates

log = structlog.get_logger(__name__)

# Least privilege for the sync (API notes §2.2): one comma-separated string, no spaces.
SCOPES = ",".join(REQUIRED_SCOPES)
STATE_TTL_MS = 10 * 60_000


@dataclass(frozen=True)
class ConsentSettings:
    """Who asks (the OAuth client), where Zoho sends the admin back, the accounts override."""

    credentials: OAuthClientCredentials
    redirect_uri: str
    accounts_override: str | None = None


class ConsentFlow:
    """Starts and finishes a consent; forgets the connection on disconnect."""

    def __init__(
        self,
        states: ConsentStates,
        connections: ConnectionRecord,
        session: aiohttp.ClientSession,
        settings: ConsentSettings,
        clock: Clock,
    ) -> None:
        self._states = states
        self._connections = connections
        self._session = session
        self._settings = settings
        self._clock = clock

    def accounts_origin(self, data_center: str) -> str:
        """Where consent and token calls go for ``data_center`` (the override wins)."""
        override = self._settings.accounts_override
        return (override or DATA_CENTERS[data_center].accounts_origin).rstrip("/")

    async def begin(self, data_center: str, *, browser_bound: bool) -> tuple[str, str]:
        """The authorization URL and its new state (stored, single use, expiring)."""
        if data_center not in DATA_CENTERS:
            raise ConsentRefused("unknown_data_center", f"no Zoho data center {data_center!r}")
        state = secrets.token_urlsafe(32)
        now = self._clock.now_ms()
        consent = ConsentState(
            state, data_center, now + STATE_TTL_MS, browser_bound, scopes=REQUIRED_SCOPES
        )
        await self._states.put(consent, now)
        query = {
            "response_type": "code",
            "client_id": self._settings.credentials.client_id,
            "scope": SCOPES,
            "redirect_uri": self._settings.redirect_uri,
            "access_type": "offline",
            "prompt": "consent",
            "state": state,
        }
        return f"{self.accounts_origin(data_center)}{AUTHORIZE_PATH}?{urlencode(query)}", state

    async def finish(
        self,
        code: str,
        state: str,
        accounts_server: str | None,
        *,
        browser_state: str | None,
    ) -> StoredConnection:
        """Check the state and the accounts server, exchange ``code``, store the tokens."""
        consent = await self._states.take(state) if state else None
        if consent is None:
            raise ConsentRefused("invalid_state", "unknown or already used state: connect again")
        if consent.expired(self._clock.now_ms()):
            raise ConsentRefused("invalid_state", "the state expired: connect again")
        if consent.browser_bound and browser_state != state:
            raise ConsentRefused("invalid_state", "the state belongs to another browser")
        return await self.exchange(
            code, accounts_server, consent.data_center, scopes=consent.scopes
        )

    async def exchange(
        self,
        code: str,
        accounts_server: str | None,
        data_center: str,
        *,
        scopes: tuple[str, ...] | None = None,
    ) -> StoredConnection:
        """Exchange ``code`` at a Zoho accounts host (or the override) and store the tokens.

        Without a state only for a code the admin pasted into ``zbsync connect --code``: its
        ``scopes`` are then unknown (None), since Zoho's answer does not name them.
        """
        origin, data_center = self._accounts_server(accounts_server, data_center)
        endpoint = TokenEndpoint(self._session, origin, self._settings.credentials)
        minted = await endpoint.exchange_code(code, self._settings.redirect_uri)
        assert minted.refresh_token is not None  # exchange_code refuses an answer without one
        stored = await store_refresh_token(
            self._connections,
            self._clock,
            data_center=data_center,
            client_id=self._settings.credentials.client_id,
            refresh_token=minted.refresh_token,
            accounts_origin=origin,
            api_domain=minted.api_domain,
            scopes=scopes,
        )
        # Keep the access token that came with the code: no second mint for the first call.
        now = self._clock.now_ms()
        with_access = stored.replace(
            access_token=minted.access_token,
            expires_in=minted.expires_in,
            access_expires_at_ms=now + minted.expires_in * 1000,
            status="connected",
            broken_reason=None,
        )
        saved = await self._connections.save(with_access) or stored
        log.info("zoho connected by consent", data_center=data_center)
        return saved

    def _accounts_server(self, named: str | None, data_center: str) -> tuple[str, str]:
        """The accounts origin to exchange at and its data center; refuses any other host."""
        if not named:
            return self.accounts_origin(data_center), data_center
        origin = named.rstrip("/")
        override = self._settings.accounts_override
        if override and origin == override.rstrip("/"):
            return origin, data_center
        for dc in DATA_CENTERS.values():
            if origin == dc.accounts_origin:
                return origin, dc.name
        raise ConsentRefused(
            "invalid_accounts_server", "accounts-server is not a Zoho data center's accounts host"
        )

    async def disconnect(self) -> bool:
        """Revoke the refresh token at Zoho and forget the connection; False if none."""
        connection = await self._connections.load()
        if connection is None:
            return False
        origin = self._settings.accounts_override or connection.accounts_origin
        origin = origin or self.accounts_origin(connection.data_center)
        endpoint = TokenEndpoint(self._session, origin, self._settings.credentials)
        try:
            await endpoint.revoke(connection.refresh_token)
        except PermanentZohoError as exc:  # already revoked, or a client Zoho no longer accepts
            log.warning("zoho refused the revocation; forgetting the token anyway", error=str(exc))
        await self._connections.delete()
        log.info("zoho disconnected", data_center=connection.data_center)
        return True
