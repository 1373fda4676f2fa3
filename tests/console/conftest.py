"""The console served on a free loopback port over the sync harness, and a signed-in client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from cryptography.fernet import Fernet

from tests.support.memory_stores import MemoryOrders, MemorySettings
from tests.support.sync_harness import Harness
from worker.api import ApiServices, SettingsParts, build_app, serve
from worker.bootstrap.console_settings import apply_console_settings
from worker.config import load_settings
from worker.console import ConsoleConfig, setup_console
from worker.store.settings import SettingsRepository
from worker.sync.manual import ManualActions
from worker.sync.ports import SettingsStore

ADMIN_TOKEN = "console-admin-token"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Page:
    """One answer: status, where it redirects, its HTML."""

    status: int
    location: str | None
    html: str


@dataclass
class Console:
    """A browser-like client of the console (its own cookie jar; redirects not followed)."""

    base: str
    http: aiohttp.ClientSession
    harness: Harness
    settings: SettingsStore

    async def get(self, path: str, **headers: str) -> Page:
        """``GET path``."""
        async with self.http.get(self.base + path, headers=headers, allow_redirects=False) as r:
            return Page(r.status, r.headers.get("Location"), await r.text())

    async def post(self, path: str, data: dict[str, str], *, csrf: bool = True) -> Page:
        """``POST path`` with a form; with the session's CSRF token unless told otherwise."""
        form = {**data, "csrf": await self.csrf()} if csrf else data
        async with self.http.post(self.base + path, data=form, allow_redirects=False) as r:
            return Page(r.status, r.headers.get("Location"), await r.text())

    async def csrf(self) -> str:
        """The form token of the current session (read from a page, as a browser has it)."""
        found = CSRF.search((await self.get("/orders")).html)
        assert found is not None, "no form token: not signed in?"
        return found.group(1)

    async def sign_in(self, token: str = ADMIN_TOKEN) -> Page:
        """Post the sign-in form."""
        return await self.post("/sign-in", {"token": token, "next": "/"}, csrf=False)

    def cookie(self, name: str) -> str | None:
        """A cookie the console set, as the client holds it."""
        found = [c for c in self.http.cookie_jar if c.key == name]
        return found[0].value if found else None


@pytest.fixture
def public_url() -> str | None:
    """The console's ``PUBLIC_URL`` (override for https)."""
    return None


@pytest.fixture
async def console(harness: Harness, public_url: str | None) -> AsyncIterator[Console]:
    """The API with the console over the harness, and a client of its own."""
    memory = isinstance(harness.orders, MemoryOrders)
    store: SettingsStore = MemorySettings() if memory else SettingsRepository(harness.db)
    applied = await apply_console_settings(load_settings(_env_file=None), store, record=True)
    settings = SettingsParts(
        store,
        applied.environment.values,
        applied.environment.explicit,
        applied.resolution.values,
    )
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    parts = ApiServices(harness.orders, harness.audit, manual, None, settings)
    app = build_app(parts, ADMIN_TOKEN)
    setup_console(app, ConsoleConfig(ADMIN_TOKEN, Fernet.generate_key().decode(), public_url))
    runner = await serve(app, "127.0.0.1", 0, grace_seconds=5)
    host, port = runner.addresses[0][:2]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        try:
            yield Console(f"http://{host}:{port}", http, harness, store)
        finally:
            await runner.cleanup()
