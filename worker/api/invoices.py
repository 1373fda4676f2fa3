"""``POST`` and ``DELETE /api/orders/{id}/invoice``: Generate / Update and Delete now."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..sync.manual import ManualResult
from .services import services
from .views import order_summary

ACTOR = "admin-api"


async def generate(request: web.Request) -> web.Response:
    """Create or update the order's invoice now (409 when the order is deleted)."""
    manual = services(request).manual
    result = await manual.generate(request.match_info["order_id"], ACTOR)
    return web.json_response(_answer(result), status=200 if result.carried_out else 202)


async def delete(request: web.Request) -> web.Response:
    """Delete the order's draft invoice in Zoho (409 with the reason otherwise)."""
    manual = services(request).manual
    result = await manual.delete_invoice(request.match_info["order_id"], ACTOR)
    return web.json_response(_answer(result), status=200 if result.carried_out else 202)


def _answer(result: ManualResult) -> dict[str, Any]:
    """The order after the action; ``carried_out`` false: another replica will do it."""
    return {"carried_out": result.carried_out, "order": order_summary(result.record)}
