"""Zoho Accounts: the consent redirect, the token endpoint and revocation (API notes §2).

Errors follow Zoho's habits: the token endpoint answers bad credentials and bad
codes with HTTP 200 and ``{"error": ...}``; throttling answers "Access Denied"
with ``config.access_denied_status``; revoking an unknown token is HTTP 400.
``api_domain`` and ``accounts-server`` point back at this sandbox, taken from
the request, so a client that follows them keeps talking to the sandbox.
The bookkeeping and the limits live in ``tokens``; ``gate`` calls
``resolve_access_token`` to authenticate Books calls.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from yarl import URL

from .config import OAuthClient, SandboxConfig
from .envelope import OAuthError, json_response
from .keys import CLOCK, CONFIG, COUNTERS
from .tokens import AccessToken, MintDeniedError, TokenRegistry, parse_scopes

TOKENS = web.AppKey("tokens", TokenRegistry)
ACCESS_DENIED = "Access Denied"
TOO_MANY = "You have made too many requests continuously. Please try again after some time."

routes = web.RouteTableDef()


def setup(app: web.Application) -> None:
    """Register the token registry and the accounts routes."""
    app[TOKENS] = TokenRegistry()
    app.router.add_routes(routes)


def resolve_access_token(app: web.Application, token: str) -> AccessToken | None:
    """The live access token ``token`` (with its scopes), or None if unknown, expired or dead."""
    return app[TOKENS].lookup(token, app[CLOCK].now())


def find_client(config: SandboxConfig, client_id: str) -> OAuthClient | None:
    """The registered client with this id."""
    return next((c for c in config.clients if c.client_id == client_id), None)


def origin(request: web.Request) -> str:
    """This sandbox's origin as the caller reached it."""
    return f"{request.scheme}://{request.host}"


@routes.get("/oauth/v2/auth", name="oauth.auth")
async def authorize(request: web.Request) -> web.StreamResponse:
    """Consent screen, auto-accepted as the sandbox user: redirect back with a grant code."""
    query = request.query
    client = find_client(request.app[CONFIG], query.get("client_id", ""))
    if client is None:
        raise OAuthError("invalid_client", status=400)
    redirect_uri = query.get("redirect_uri", "")
    if not redirect_uri or (client.redirect_uris and redirect_uri not in client.redirect_uris):
        raise OAuthError("invalid_redirect_uri", status=400)
    state = {"state": query["state"]} if "state" in query else {}
    raise web.HTTPFound(URL(redirect_uri).extend_query({**_consent(request, client), **state}))


def _consent(request: web.Request, client: OAuthClient) -> dict[str, str]:
    query = request.query
    if query.get("response_type", "code") != "code":
        return {"error": "unsupported_response_type"}
    app = request.app
    try:
        code = app[TOKENS].issue_code(
            app[CONFIG],
            app[CLOCK].now(),
            client.client_id,
            parse_scopes(query.get("scope", "")),
            query["redirect_uri"],
        )
    except MintDeniedError:
        return {"error": "access_denied"}
    return {"code": code, "location": "us", "accounts-server": origin(request)}


@routes.post("/oauth/v2/token", name="oauth.token")
async def token(request: web.Request) -> web.StreamResponse:
    """The token endpoint: ``authorization_code`` and ``refresh_token`` grants."""
    params = await _params(request)
    config = request.app[CONFIG]
    client = find_client(config, params.get("client_id", ""))
    if client is None or client.client_secret != params.get("client_secret"):
        raise OAuthError("invalid_client")
    grant_type = params.get("grant_type")
    if grant_type == "authorization_code":
        body = _exchange(request, client, params)
    elif grant_type == "refresh_token":
        body = _refresh(request, client, params.get("refresh_token", ""))
    else:
        raise OAuthError("unsupported_grant_type")
    return json_response(body)


async def _params(request: web.Request) -> dict[str, str]:
    # Zoho documents the query string of a POST; clients mostly send a form. JSON is not read.
    form = await request.post()
    merged = {key: value for key, value in form.items() if isinstance(value, str)}
    return {**request.query, **merged}


def _exchange(
    request: web.Request, client: OAuthClient, params: Mapping[str, str]
) -> dict[str, object]:
    app = request.app
    config, now = app[CONFIG], app[CLOCK].now()
    redirect_uri = params.get("redirect_uri")
    if client.redirect_uris and redirect_uri not in client.redirect_uris:
        raise OAuthError("invalid_redirect_uri")
    grant = app[TOKENS].redeem_code(params.get("code", ""), client.client_id, now)
    if grant is None:
        raise OAuthError("invalid_code")
    if grant.redirect_uri is not None and grant.redirect_uri != redirect_uri:
        raise OAuthError("invalid_redirect_uri")
    refresh_token = app[TOKENS].open_refresh_token(config, now, grant)
    access_token = app[TOKENS].mint(config, now, refresh_token)
    app[COUNTERS]["mints"] += 1
    return {"access_token": access_token, "refresh_token": refresh_token, **_common(request)}


def _refresh(request: web.Request, client: OAuthClient, refresh_token: str) -> dict[str, object]:
    app = request.app
    owner = app[TOKENS].refresh.get(refresh_token)
    if owner is None or owner.client_id != client.client_id:
        raise OAuthError("invalid_code")
    try:
        access_token = app[TOKENS].refresh_grant(app[CONFIG], app[CLOCK].now(), refresh_token)
    except MintDeniedError:
        app[COUNTERS]["oauth.access_denied"] += 1
        status = app[CONFIG].access_denied_status
        raise OAuthError(ACCESS_DENIED, status=status, description=TOO_MANY) from None
    app[COUNTERS]["mints"] += 1
    return {"access_token": access_token, **_common(request)}


def _common(request: web.Request) -> dict[str, object]:
    return {
        "api_domain": origin(request),
        "token_type": "Bearer",
        "expires_in": request.app[CONFIG].access_token_ttl,
    }


@routes.post("/oauth/v2/token/revoke", name="oauth.revoke")
async def revoke(request: web.Request) -> web.StreamResponse:
    """Revoke a refresh token (and its access tokens) or a single access token."""
    params = await _params(request)
    if not request.app[TOKENS].revoke(params.get("token", "")):
        raise OAuthError("invalid_token", status=400)
    return json_response({"status": "success"})
