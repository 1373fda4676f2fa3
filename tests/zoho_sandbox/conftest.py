"""Fixtures for the sandbox's own tests: plain HTTP clients for it.

The ``sandbox`` and ``sandbox_config`` fixtures come from ``tests/support/zoho_fixtures.py``,
the clients from ``tests/support/sandbox_client.py``. Everything goes over real HTTP. Tests
that need other limits override the ``sandbox_config`` fixture in their module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.support.sandbox_client import BooksClient, SandboxClient
from zoho_sandbox import RunningSandbox


@pytest.fixture
async def client(sandbox: RunningSandbox) -> AsyncIterator[SandboxClient]:
    """Raw HTTP access to the sandbox."""
    async with aiohttp.ClientSession() as session:
        yield SandboxClient(sandbox, session)


@pytest.fixture
async def books(client: SandboxClient) -> BooksClient:
    """An authorized Books client for the seeded organization."""
    return await client.connect()
