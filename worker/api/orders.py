"""``GET /api/orders``, ``GET /api/orders/{id}``, ``GET /api/invoice-numbers``."""

from __future__ import annotations

from aiohttp import web

from ..sync.manual import UnknownOrder
from ..sync.records import page_mark
from . import params
from .services import services
from .views import invoice_number, order_detail, order_summary


async def list_orders(request: web.Request) -> web.Response:
    """A page of orders, newest received first."""
    limit, after = params.limit(request), params.cursor(request)
    state, search = params.state(request), params.search(request)
    page = await services(request).orders.page(
        state=state, search=search, after=after, limit=limit + 1
    )
    more = len(page) > limit
    page = page[:limit]
    next_cursor = params.encode_cursor(page_mark(page[-1])) if more else None
    return web.json_response(
        {"orders": [order_summary(r) for r in page], "next_cursor": next_cursor}
    )


async def get_order(request: web.Request) -> web.Response:
    """One order with its invoice and audit trail."""
    order_id = request.match_info["order_id"]
    parts = services(request)
    record = await parts.orders.load(order_id)
    if record is None:
        raise UnknownOrder(order_id)
    return web.json_response(order_detail(record, await parts.audit.for_order(order_id)))


async def invoice_numbers(request: web.Request) -> web.Response:
    """``{order_id: invoice_number or null}`` for a shop's order list column."""
    orders = services(request).orders
    ids = params.order_ids(request)
    return web.json_response({i: invoice_number(await orders.load(i)) for i in ids})
