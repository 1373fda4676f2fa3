"""Serving the API on a host and port, and stopping it."""

from __future__ import annotations

import structlog
from aiohttp import web

log = structlog.get_logger(__name__)


async def serve(
    app: web.Application, host: str, port: int, *, grace_seconds: float
) -> web.AppRunner:
    """Listen on ``host:port`` (0: a free port); cleanup the returned runner to stop, which
    lets requests in flight finish within ``grace_seconds``."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=grace_seconds)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_host, bound_port = runner.addresses[0][:2]
    log.info("admin api listening", url=f"http://{bound_host}:{bound_port}")
    return runner
