"""What a resource handler needs from the app: the caller's organization, config, time."""

from __future__ import annotations

from aiohttp import web

from .envelope import ZohoError, zoho_time
from .keys import CLOCK, CONFIG, STORE
from .store import OrgBooks


def org_books(request: web.Request) -> OrgBooks:
    """The books of the request's ``organization_id`` (the gate has checked it already)."""
    org_id = request.query.get("organization_id", "")
    books = request.app[STORE].orgs.get(org_id)
    if books is None:  # only reachable when the gate lets a request through unchecked
        code = request.app[CONFIG].invalid_organization_code
        raise ZohoError(400, code, "Invalid value passed for organization_id")
    return books


def sandbox_now(request: web.Request) -> float:
    """Sandbox seconds, for the list lag."""
    return request.app[CLOCK].now()


def timestamp(request: web.Request) -> str:
    """Zoho's timestamp for ``created_time`` / ``last_modified_time``."""
    return zoho_time(request.app[CLOCK])
