"""``POST /api/reconcile``: one reconciler pass now."""

from __future__ import annotations

import dataclasses

from aiohttp import web

from .errors import ApiError
from .services import services


async def run_pass(request: web.Request) -> web.Response:
    """Run a manual pass and answer its summary."""
    reconcile = services(request).reconcile
    if reconcile is None:
        raise ApiError(409, "not_connected", "Zoho is not connected or no organization is chosen")
    summary = await reconcile.run(manual=True)
    return web.json_response(dataclasses.asdict(summary))
