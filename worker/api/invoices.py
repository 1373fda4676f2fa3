"""``POST`` and ``DELETE /api/orders/{id}/invoice``: Generate / Update and Delete now."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from ..events import Order
from ..sync.manual import ManualResult
from .errors import bad_input
from .services import services
from .views import order_summary

ACTOR = "admin-api"


async def generate(request: web.Request) -> web.Response:
    """Create or update the order's invoice now (409 when the order is deleted); the body,
    when there is one, is the order's snapshot, stored first if newer."""
    order_id = request.match_info["order_id"]
    snapshot = await _snapshot(request, order_id)
    result = await services(request).manual.generate(order_id, ACTOR, snapshot)
    return web.json_response(_answer(result), status=200 if result.carried_out else 202)


async def _snapshot(request: web.Request, order_id: str) -> Order | None:
    body = await request.read()
    if not body.strip():
        return None
    try:
        order = Order.model_validate_json(body)
    except ValidationError as exc:
        error = exc.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in error["loc"]) or "body"
        raise bad_input(field, error["msg"]) from None
    if order.id != order_id:
        raise bad_input("id", "must be the order id in the path")
    return order


async def delete(request: web.Request) -> web.Response:
    """Delete the order's draft invoice in Zoho (409 with the reason otherwise)."""
    manual = services(request).manual
    result = await manual.delete_invoice(request.match_info["order_id"], ACTOR)
    return web.json_response(_answer(result), status=200 if result.carried_out else 202)


def _answer(result: ManualResult) -> dict[str, Any]:
    """The order after the action; ``carried_out`` false: another replica will do it."""
    return {
        "carried_out": result.carried_out,
        "snapshot": result.snapshot,
        "order": order_summary(result.record),
    }
