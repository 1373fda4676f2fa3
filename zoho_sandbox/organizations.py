"""``GET /organizations`` and ``GET /organizations/{organization_id}``."""

from __future__ import annotations

from aiohttp import web

from .envelope import ZohoError, zoho_response
from .keys import CONFIG, STORE

routes = web.RouteTableDef()


@routes.get("/books/v3/organizations", name="organizations.list")
async def list_organizations(request: web.Request) -> web.Response:
    """Every organization the token sees; needs no ``organization_id``."""
    orgs = [books.organization for books in request.app[STORE].orgs.values()]
    return zoho_response(organizations=orgs)


@routes.get("/books/v3/organizations/{organization_id}", name="organizations.get")
async def get_organization(request: web.Request) -> web.Response:
    """One organization under the key ``organization``."""
    books = request.app[STORE].orgs.get(request.match_info["organization_id"])
    if books is None:
        code = request.app[CONFIG].invalid_organization_code
        raise ZohoError(400, code, "Invalid value passed for organization_id")
    return zoho_response(organization=books.organization)
