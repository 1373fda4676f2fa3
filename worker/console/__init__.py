"""The web console at ``/`` (SPEC §7): the shop admin's pages beside the admin API.

Server-rendered (Jinja2), no script, no network access at run time: sign in with
the admin token, connect Zoho and choose the organization, change the settings,
browse orders, and Generate / Update / Delete one order's invoice with its audit
trail; English and Italian. Every action goes through the API's services
(``worker.api.services``), so the console can do nothing the API cannot.

``setup_console(app, ...)`` adds it to the API's application.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from yarl import URL

from ..api.services import CONSENT_LANDING
from . import actions, pages
from .gate import SIGN_IN, console_gate
from .session import GATE, CookieSessions, Gate, session_key

STATIC = Path(__file__).parent / "static"
LANDING = "/connected"

# Open to anyone: the sign-in form, and where Zoho's cross-site redirect lands before the
# browser sends the session cookie. Every other console route is behind the gate.
OPEN_ROUTES = [
    web.get(SIGN_IN, pages.sign_in_page),
    web.post(SIGN_IN, actions.sign_in),
    web.get(LANDING, pages.connected),
]
ROUTES = [
    web.get("/", pages.overview),
    web.post("/sign-out", actions.sign_out_action),
    web.post("/settings", actions.save_settings),
    web.get("/organization", pages.organization_page),
    web.post("/organization", actions.choose_organization),
    web.post("/connection/disconnect", actions.disconnect),
    web.get("/orders", pages.orders_page),
    web.get("/orders/{order_id}", pages.order_page),
    web.post("/orders/{order_id}/invoice", actions.generate),
    web.get("/orders/{order_id}/delete", pages.delete_page),
    web.post("/orders/{order_id}/invoice/delete", actions.delete_invoice),
    web.get("/preflight", pages.preflight_page),
]


@dataclass(frozen=True)
class ConsoleConfig:
    """What the console needs: the admin token, ``SECRET_KEY`` (its cookie key derives from
    it) and ``PUBLIC_URL`` (https there makes the cookie Secure)."""

    admin_token: str
    secret_key: str
    public_url: str | None = None


def setup_console(app: web.Application, config: ConsoleConfig) -> None:
    """Serve the console from ``app`` (the admin API's application)."""
    public_origin = _origin(config.public_url)
    secure = public_origin is not None and public_origin.startswith("https://")
    sessions = CookieSessions(session_key(config.secret_key), secure=secure)
    gate = Gate(config.admin_token)
    app[GATE] = gate
    app[CONSENT_LANDING] = LANDING
    app.middlewares.append(sessions.middleware())
    app.add_routes(OPEN_ROUTES)
    gated = frozenset(route.resource for route in app.add_routes(ROUTES))
    app.middlewares.append(console_gate(gate, public_origin, gated))
    app.router.add_static("/static/", STATIC)


def _origin(url: str | None) -> str | None:
    return str(URL(url).origin()) if url else None
