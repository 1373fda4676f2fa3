"""``GET /api/preflight``: what stops orders from becoming invoices, each with its fix."""

from __future__ import annotations

import dataclasses

from aiohttp import web

from .errors import ApiError
from .services import services


async def get_preflight(request: web.Request) -> web.Response:
    """Run the preflight check now (``zbsync check`` runs the same)."""
    preflight = services(request).preflight
    if preflight is None:
        raise ApiError(503, "preflight_unavailable", "this process runs no preflight check")
    problems = await preflight()
    return web.json_response(
        {"ok": not problems, "problems": [dataclasses.asdict(p) for p in problems]}
    )
