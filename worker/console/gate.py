"""Who may see the console: a middleware in front of every page and form.

Signed out, a page redirects to the sign-in form and a form answers 403. A form
(``POST``) from a signed-in admin must carry the session's CSRF token and come
from this origin. ``SIGNED_IN`` tells the API's ``/oauth/connect`` who is signed in.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from yarl import URL

from ..api.auth import SIGNED_IN
from .session import Gate, csrf_ok, same_origin

# /connected: where Zoho's cross-site redirect lands, before the session cookie is sent.
# /healthz, /readyz, /metrics: probes and the Prometheus scrape, without a session.
OPEN_PREFIXES = (
    "/api/", "/static/", "/healthz", "/readyz", "/metrics", "/oauth/callback", "/connected"
)  # fmt: skip
SIGN_IN = "/sign-in"


def console_gate(gate: Gate, public_origin: str | None) -> Middleware:
    """The middleware; ``public_origin``: the console's origin behind a proxy, if any."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(OPEN_PREFIXES):
            return await handler(request)
        request[SIGNED_IN] = signed_in = gate.signed_in(request)
        if request.path == SIGN_IN or request.path.startswith("/oauth/"):
            if request.method == "POST" and not same_origin(request, public_origin):
                raise web.HTTPForbidden(text="cross-origin form refused")
            return await handler(request)
        if not signed_in:
            if request.method in {"GET", "HEAD"}:
                raise web.HTTPSeeOther(URL(SIGN_IN).with_query(next=str(request.rel_url)))
            raise web.HTTPForbidden(text="sign in first")
        if request.method == "POST" and not await csrf_ok(request, public_origin):
            raise web.HTTPForbidden(text="the form is out of date or not from this console")
        return await handler(request)

    return check
