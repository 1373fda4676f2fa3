"""Serving the sandbox: in-process for tests, or as ``zbsync sandbox``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from . import openapi_check
from .app import build_app
from .config import SandboxConfig
from .keys import CONFIG


@dataclass(frozen=True)
class RunningSandbox:
    """A sandbox listening on loopback."""

    app: web.Application
    origin: str  # e.g. http://127.0.0.1:40123

    @property
    def config(self) -> SandboxConfig:
        """The settings it runs with (the control API may change them while it runs)."""
        return self.app[CONFIG]

    @property
    def accounts_url(self) -> str:
        """What ``ZBSYNC_ZOHO_ACCOUNTS_URL`` should be."""
        return self.origin

    @property
    def api_url(self) -> str:
        """What ``ZBSYNC_ZOHO_API_URL`` should be."""
        return f"{self.origin}/books/v3"


@contextlib.asynccontextmanager
async def serving(
    config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSandbox]:
    """Serve a sandbox until the block ends; port 0 picks a free one."""
    app = build_app(config)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        bound_host, bound_port = runner.addresses[0][:2]
        yield RunningSandbox(app=app, origin=f"http://{bound_host}:{bound_port}")
    finally:
        await runner.cleanup()


async def serve_forever(config: SandboxConfig, host: str, port: int) -> None:
    """Run until cancelled (Ctrl-C or SIGTERM through ``asyncio.run``)."""
    async with serving(config, host, port) as sandbox:
        print(f"Zoho Books sandbox at {sandbox.origin}", flush=True)  # noqa: T201
        print(f"  ZBSYNC_ZOHO_ACCOUNTS_URL={sandbox.accounts_url}", flush=True)  # noqa: T201
        print(f"  ZBSYNC_ZOHO_API_URL={sandbox.api_url}", flush=True)  # noqa: T201
        print(f"  {openapi_check.describe(sandbox.app)}", flush=True)  # noqa: T201
        await asyncio.Event().wait()
