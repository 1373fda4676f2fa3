"""``POST /api/reconcile``: one reconciler pass now."""

from __future__ import annotations

import dataclasses

from aiohttp import web

from ..reconcile.runner import PassRunning
from .errors import ApiError
from .services import services


async def run_pass(request: web.Request) -> web.Response:
    """Run a manual pass and answer its summary; 409 while another pass runs (any replica)."""
    reconcile = services(request).reconcile
    if reconcile is None:
        raise ApiError(409, "not_connected", "Zoho is not connected or no organization is chosen")
    try:
        summary = await reconcile.run_now()
    except PassRunning:
        raise ApiError(
            409, "reconcile_running", "a reconciler pass is running; try again when it has ended"
        ) from None
    return web.json_response(dataclasses.asdict(summary))
