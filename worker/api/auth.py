"""``/api/*`` needs ``Authorization: Bearer <ADMIN_TOKEN>``, compared in constant time."""

from __future__ import annotations

import hmac

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .errors import error_response

AUTHORIZED = web.RequestKey("authorized", bool)  # the request carries the admin token
SIGNED_IN = web.RequestKey("signed_in", bool)  # the console's session (``worker.console``)


def bearer_auth(admin_token: str) -> Middleware:
    """A middleware answering 401 to an ``/api/`` request without the admin token."""
    expected = admin_token.encode()

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[AUTHORIZED] = authorized = _authorized(request, expected)
        if request.path.startswith("/api/") and not authorized:
            response = error_response(401, "unauthorized", "a valid admin bearer token is needed")
            response.headers["WWW-Authenticate"] = 'Bearer realm="zbsync"'
            return response
        return await handler(request)

    return check


def _authorized(request: web.Request, expected: bytes) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected)
