"""The aiohttp application of the admin API: routes, error shape, bearer auth."""

from __future__ import annotations

from aiohttp import web

from . import health, invoices, openapi, orders, reconcile, settings
from .auth import bearer_auth
from .errors import json_errors
from .services import SERVICES, ApiServices

ROUTES = [
    web.get("/healthz", health.healthz),
    web.get("/api/openapi.json", openapi.openapi),
    web.get("/api/orders", orders.list_orders),
    web.get("/api/orders/{order_id}", orders.get_order),
    web.post("/api/orders/{order_id}/invoice", invoices.generate),
    web.delete("/api/orders/{order_id}/invoice", invoices.delete),
    web.get("/api/invoice-numbers", orders.invoice_numbers),
    web.post("/api/reconcile", reconcile.run_pass),
    web.get("/api/settings", settings.get_settings),
    web.patch("/api/settings", settings.patch_settings),
]


def build_app(parts: ApiServices, admin_token: str) -> web.Application:
    """The API over ``parts``; ``/api/*`` answers only ``Bearer <admin_token>``."""
    if not admin_token:
        raise ValueError("the admin API needs an admin token")
    app = web.Application(middlewares=[json_errors, bearer_auth(admin_token)])
    app[SERVICES] = parts
    app.add_routes(ROUTES)
    return app
