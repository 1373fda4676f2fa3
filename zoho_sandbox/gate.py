"""The gate in front of every Books call: token, scope, organization, limits, then faults.

For ``/books/v3`` routes, in this order (API notes §2.8, §4, §5):

1. ``Authorization: Zoho-oauthtoken <token>`` — missing or malformed → 401/14;
   unknown, expired, evicted or revoked token → 401/57; a token without the
   route's scope → 401/57.
2. ``organization_id`` (query; ``organizations.get`` may carry it in the path
   instead) — required except on ``organizations.list``; missing or unknown →
   400 with ``config.invalid_organization_code``.
3. The organization's limits (``limits``), then injected faults (``faults``).

``oauth.*`` routes get faults only. Control routes (``sandbox.*``) and unmatched
paths pass straight through.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import faults
from .accounts import resolve_access_token
from .envelope import ZohoError, invalid_value
from .keys import CLOCK, CONFIG, COUNTERS, STORE
from .limits import LIMITS, Limits

UNAUTHENTICATED = (
    "The request could not be authenticated as the authentication value you entered is invalid."
)
NOT_AUTHORIZED = "You are not authorized to perform this operation"
# Scope module per request-class prefix where it differs (§2.2: settings covers these reads).
_SCOPE_MODULE = {
    "organizations": "settings",
    "taxes": "settings",
    "currencies": "settings",
    "customfields": "settings",
}
_SCOPE_OPERATION = {"GET": "READ", "POST": "CREATE", "PUT": "UPDATE", "DELETE": "DELETE"}


def setup(app: web.Application) -> None:
    """Register the limits' usage and the fault rules."""
    app[LIMITS] = Limits()
    faults.setup(app)


def required_scope(request_class: str, method: str) -> str:
    """The scope a route needs, e.g. ``ZohoBooks.invoices.CREATE`` for ``invoices.create``.

    Zoho's OpenAPI files tie POST to CREATE, even ``status/sent``; so does this.
    """
    prefix = request_class.partition(".")[0]
    module = _SCOPE_MODULE.get(prefix, prefix)
    return f"ZohoBooks.{module}.{_SCOPE_OPERATION.get(method, 'ALL')}"


def scope_allows(granted: tuple[str, ...], needed: str) -> bool:
    """Whether ``granted`` covers ``needed``, directly, by ``<module>.ALL`` or by fullaccess."""
    module = needed.rsplit(".", 1)[0]
    accepted = {needed.lower(), f"{module}.all".lower(), "zohobooks.fullaccess.all"}
    return any(scope.lower() in accepted for scope in granted)


@web.middleware
async def gate_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Authenticate, check the organization, apply limits and faults (see the module doc)."""
    request_class = request.match_info.route.name or ""
    if request_class.startswith("oauth."):
        return await faults.with_faults(request, handler)
    if not request_class or not request.path.startswith("/books/v3/"):
        response: web.StreamResponse = await handler(request)
        return response
    _authenticate(request, request_class)
    org_id = _organization(request, request_class)
    if org_id is None:
        return await faults.with_faults(request, handler)
    app = request.app
    with app[LIMITS].admitted(app[CONFIG], app[CLOCK].now(), org_id, app[COUNTERS]):
        return await faults.with_faults(request, handler)


def _authenticate(request: web.Request, request_class: str) -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "zoho-oauthtoken" or not token.strip():
        raise ZohoError(401, 14, UNAUTHENTICATED)
    found = resolve_access_token(request.app, token.strip())
    if found is None or not scope_allows(
        found.scopes, required_scope(request_class, request.method)
    ):
        raise ZohoError(401, 57, NOT_AUTHORIZED)


def _organization(request: web.Request, request_class: str) -> str | None:
    """The organization the call is for; None only for ``organizations.list``."""
    org_id = request.query.get("organization_id") or request.match_info.get("organization_id")
    if request_class == "organizations.list" and not org_id:
        return None
    if not org_id or org_id not in request.app[STORE].orgs:
        code = request.app[CONFIG].invalid_organization_code
        raise invalid_value("organization_id", code=code)
    return org_id
