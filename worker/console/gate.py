"""Who may see the console: a middleware in front of the console's own pages and forms.

Signed out, a page redirects to the sign-in form and a form answers 403. A form
(``POST``) from a signed-in admin must carry the session's CSRF token and come
from this origin; so must the sign-in form. Routes that are not the console's
(the API, probes, the OAuth callback, static files) pass through, told only
``SIGNED_IN``, which the API's ``/oauth/connect`` reads.
"""

from __future__ import annotations

from collections.abc import Set

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from yarl import URL

from ..api.auth import SIGNED_IN
from .session import Gate, csrf_ok, same_origin

SIGN_IN = "/sign-in"


def console_gate(
    gate: Gate, public_origin: str | None, gated: Set[web.AbstractResource | None]
) -> Middleware:
    """The middleware; ``gated``: the resources that need a session; ``public_origin``: the
    console's origin behind a proxy, if any."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[SIGNED_IN] = signed_in = gate.signed_in(request)
        if request.match_info.route.resource not in gated:
            sign_in = request.path == SIGN_IN and request.method == "POST"
            if sign_in and not same_origin(request, public_origin):
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
