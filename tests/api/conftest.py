"""The admin API served on a free loopback port over the sync harness (sandbox; MongoDB and
in-memory stores)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from tests.support.sync_harness import Harness
from worker.api import ApiServices, build_app, serve
from worker.sync.manual import ManualActions

ADMIN_TOKEN = "test-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass
class Api:
    """The served API, its base URL, and the harness behind it."""

    base: str
    http: aiohttp.ClientSession
    harness: Harness

    async def call(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        """Status and JSON body of one request (with the admin token unless told otherwise)."""
        sent = AUTH if headers is None else headers
        async with self.http.request(method, self.base + path, headers=sent, **kwargs) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def api(harness: Harness) -> AsyncIterator[Api]:
    """The API over the harness, on 127.0.0.1 and a free port."""
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    parts = ApiServices(harness.orders, harness.audit, manual, harness.reconciler())
    runner = await serve(build_app(parts, ADMIN_TOKEN), "127.0.0.1", 0, grace_seconds=5)
    host, port = runner.addresses[0][:2]
    try:
        yield Api(f"http://{host}:{port}", harness.http, harness)
    finally:
        await runner.cleanup()
