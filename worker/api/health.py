"""``GET /healthz``: the process runs (no dependency checks, no auth)."""

from __future__ import annotations

from aiohttp import web


async def healthz(_request: web.Request) -> web.Response:
    """200 while the process serves requests."""
    return web.json_response({"status": "ok"})
