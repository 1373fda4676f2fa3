"""Connecting Zoho: ``/oauth/connect``, ``/oauth/callback``, ``/api/connection``,
``/api/organizations`` (SPEC §7).

``/oauth/connect`` answers only the admin: the bearer token or the console's
session. The state it issues is also set in an
HttpOnly cookie, so only the browser that started a consent can finish it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from yarl import URL

from ..zoho.errors import ConsentRefused
from .auth import AUTHORIZED, SIGNED_IN
from .errors import ApiError
from .services import CONNECTION, CONSENT_LANDING, ConnectionControl

STATE_COOKIE = "zbsync_oauth_state"


def _control(request: web.Request) -> ConnectionControl:
    if CONNECTION not in request.app:
        raise ApiError(409, "not_configured", "connecting Zoho is not configured")
    return request.app[CONNECTION]


async def connect(request: web.Request) -> web.StreamResponse:
    """Send the admin's browser to Zoho's consent page for ``dc``."""
    if not (request.get(AUTHORIZED, False) or request.get(SIGNED_IN, False)):
        raise ApiError(401, "unauthorized", "sign in to the console or send the admin token")
    url, state = await _control(request).begin(request.query.get("dc") or None, browser_bound=True)
    response = web.Response(status=302, headers={"Location": url})
    response.set_cookie(
        STATE_COOKIE, state, max_age=600, path="/oauth", httponly=True, samesite="Lax",
        secure=request.secure,
    )  # fmt: skip
    return response


async def callback(request: web.Request) -> web.Response:
    """Zoho's redirect back: check the state and the accounts server, exchange the code.
    A browser goes on to the console's landing page (when there is a console), others get JSON."""
    landing = request.app.get(CONSENT_LANDING) if _browser(request) else None
    try:
        organizations = await _finish(request)
    except (ApiError, ConsentRefused) as exc:
        if landing is None:
            raise
        # the code only: the landing page says it in words of its own, not what a URL brings
        raise web.HTTPSeeOther(URL(landing).with_query(error=exc.code)) from None
    response: web.Response = web.json_response({"connected": True, "organizations": organizations})
    if landing is not None:
        response = web.Response(status=303, headers={"Location": landing})
    response.del_cookie(STATE_COOKIE, path="/oauth")
    return response


async def _finish(request: web.Request) -> list[dict[str, Any]]:
    query = request.query
    if "error" in query:
        raise ApiError(400, "consent_refused", f"Zoho answered: {query['error']}")
    code = query.get("code", "")
    if not code:
        raise ApiError(400, "bad_input", "code: missing")
    return await _control(request).finish(
        code,
        query.get("state", ""),
        query.get("accounts-server") or None,
        browser_state=request.cookies.get(STATE_COOKIE),
    )


def _browser(request: web.Request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


async def get_connection(request: web.Request) -> web.Response:
    """The connection's status; never a token."""
    return web.json_response(await _control(request).status())


async def delete_connection(request: web.Request) -> web.Response:
    """Revoke the refresh token at Zoho and forget it."""
    return web.json_response({"disconnected": await _control(request).disconnect()})


async def organizations(request: web.Request) -> web.Response:
    """The organizations visible to the token."""
    return web.json_response({"organizations": await _control(request).organizations()})
