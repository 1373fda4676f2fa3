"""Connecting Zoho, wired from ``Settings``: the consent flow, the connection's status and the
organizations the token sees (the admin API and ``zbsync connect`` use it).

The data center and organization are the console's (SPEC §9), read from MongoDB at each call,
so a ``PATCH /api/settings`` shows at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiohttp

from ..clock import Clock, SystemClock
from ..config import ConfigError, Settings
from ..domain.console_settings import resolve
from ..store.connection import ConnectionRepository
from ..store.consent_states import ConsentStateRepository
from ..store.mongo import Database
from ..store.settings import SettingsRepository
from ..zoho.consent import ConsentFlow, ConsentSettings
from .console_settings import ConsoleEnvironment
from .zoho_client import build_zoho, client_credentials

CALLBACK_PATH = "/oauth/callback"


def redirect_uri(settings: Settings) -> str:
    """``PUBLIC_URL`` + ``/oauth/callback``, registered in Zoho's API console."""
    if settings.public_url is None or not settings.zoho_client_id:
        raise ConfigError(
            "invalid configuration:\n  ZBSYNC_PUBLIC_URL and ZBSYNC_ZOHO_CLIENT_ID: "
            "required to connect Zoho"
        )
    return str(settings.public_url).rstrip("/") + CALLBACK_PATH


class ConnectionControl:
    """What the admin API's connection routes do (``worker.api.services.ConnectionControl``).

    ``environment``: what the environment says for the console's settings (default: what
    ``settings`` says, right when ``settings`` is the environment's, not yet resolved).
    """

    def __init__(
        self,
        settings: Settings,
        db: Database,
        session: aiohttp.ClientSession,
        clock: Clock | None = None,
        *,
        environment: ConsoleEnvironment | None = None,
    ) -> None:
        self._settings, self._db, self._session = settings, db, session
        self._environment = environment or ConsoleEnvironment.of(settings)
        self._clock = clock or SystemClock()
        self._repository = ConnectionRepository(db, settings.fernet())
        override = str(settings.zoho_accounts_url) if settings.zoho_accounts_url else None
        self._flow_settings = (client_credentials(settings), override)

    def _flow(self, *, redirecting: bool = True) -> ConsentFlow:
        credentials, override = self._flow_settings
        redirect = redirect_uri(self._settings) if redirecting else ""
        consent = ConsentSettings(credentials, redirect, override)
        states = ConsentStateRepository(self._db)
        return ConsentFlow(states, self._repository, self._session, consent, self._clock)

    async def _console(self) -> tuple[str, str | None]:
        """The data center and organization the console's settings resolve to now."""
        env = self._environment
        values = resolve(await SettingsRepository(self._db).load(), env.values, env.explicit).values
        return str(values["data_center"]), values["organization_id"] or None

    async def begin(self, data_center: str | None, *, browser_bound: bool) -> tuple[str, str]:
        """The authorization URL and its state."""
        dc = data_center or (await self._console())[0]
        return await self._flow().begin(dc, browser_bound=browser_bound)

    async def finish(
        self, code: str, state: str, accounts_server: str | None, *, browser_state: str | None
    ) -> list[dict[str, Any]]:
        """Finish the consent; the organizations the new token sees."""
        await self._flow().finish(code, state, accounts_server, browser_state=browser_state)
        return await self.organizations()

    async def finish_headless(
        self, code: str, state: str | None, accounts_server: str | None
    ) -> list[dict[str, Any]]:
        """``zbsync connect --code``: with ``--state`` checked as the callback checks it;
        without, a code the admin pasted (a Self Client's) for the configured data center."""
        flow = self._flow()
        if state is None:
            await flow.exchange(code, accounts_server, (await self._console())[0])
        else:
            await flow.finish(code, state, accounts_server, browser_state=None)
        return await self.organizations()

    async def disconnect(self) -> bool:
        """Revoke and forget; False when nothing was connected."""
        return await self._flow(redirecting=False).disconnect()

    async def status(self) -> dict[str, Any]:
        """Connected, data center, organization, token expiry, last error — never a token."""
        stored = await self._repository.load()
        data_center, organization = await self._console()
        expires = None
        if stored is not None and stored.access_expires_at_ms:
            expires = datetime.fromtimestamp(stored.access_expires_at_ms / 1000, UTC).isoformat()
        return {
            "connected": stored is not None and stored.status == "connected",
            "data_center": stored.data_center if stored else data_center,
            "organization_id": organization,
            "access_token_expires_at": expires,
            "last_error": stored.broken_reason if stored else None,
        }

    async def organizations(self) -> list[dict[str, Any]]:
        """The organizations visible to the stored token."""
        data_center, org = await self._console()
        settings = self._settings.model_copy(update={"zoho_data_center": data_center})
        books = build_zoho(settings, self._db, self._session, org or "", owner="admin-api").books
        return [
            {
                "organization_id": o.organization_id,
                "name": o.name,
                "currency_code": o.currency_code,
                "is_default_org": o.is_default_org,
            }
            for o in await books.organizations()
        ]
