"""The aiohttp application of the admin API: routes, error shape, bearer auth."""

from __future__ import annotations

from aiohttp import web

from . import (
    connection,
    health,
    invoices,
    metrics,
    openapi,
    orders,
    preflight,
    readiness,
    reconcile,
    settings,
)
from .auth import bearer_auth
from .errors import json_errors
from .metrics import SCRAPE, Refresh
from .readiness import READINESS, Checks
from .services import CONNECTION, SERVICES, ApiServices, ConnectionControl

ROUTES = [
    web.get("/healthz", health.healthz),
    web.get("/readyz", readiness.readyz),
    web.get("/metrics", metrics.metrics),
    web.get("/api/openapi.json", openapi.openapi),
    web.get("/api/orders", orders.list_orders),
    web.get("/api/orders/{order_id}", orders.get_order),
    web.post("/api/orders/{order_id}/invoice", invoices.generate),
    web.delete("/api/orders/{order_id}/invoice", invoices.delete),
    web.get("/api/invoice-numbers", orders.invoice_numbers),
    web.post("/api/reconcile", reconcile.run_pass),
    web.get("/api/preflight", preflight.get_preflight),
    web.get("/oauth/connect", connection.connect),
    web.get("/oauth/callback", connection.callback),
    web.get("/api/connection", connection.get_connection),
    web.delete("/api/connection", connection.delete_connection),
    web.get("/api/organizations", connection.organizations),
    web.get("/api/settings", settings.get_settings),
    web.patch("/api/settings", settings.patch_settings),
]


def build_app(
    parts: ApiServices,
    admin_token: str,
    connection: ConnectionControl | None = None,
    *,
    readiness: Checks | None = None,
    scrape: Refresh | None = None,
) -> web.Application:
    """The API over ``parts``; ``/api/*`` answers only ``Bearer <admin_token>``; without
    ``connection`` the connection routes answer 409 not_configured; without ``readiness``
    ``/readyz`` answers 503; ``scrape`` sets the gauges read at scrape time."""
    if not admin_token:
        raise ValueError("the admin API needs an admin token")
    app = web.Application(middlewares=[json_errors, bearer_auth(admin_token)])
    app[SERVICES] = parts
    if connection is not None:
        app[CONNECTION] = connection
    if readiness is not None:
        app[READINESS] = readiness
    if scrape is not None:
        app[SCRAPE] = scrape
    app.add_routes(ROUTES)
    return app
