"""``GET /settings/fields?entity=invoice``: the organization's invoice custom fields.

The path is the one Zoho's Custom Fields API page shows for creating a field
(``POST /settings/fields`` with an ``entity``); the list's form, its
``customfields`` key and the ``is_unique`` flag are UNVERIFIED. Other entities
have no fields here.
"""

from __future__ import annotations

from aiohttp import web

from . import custom_fields
from .context import org_books
from .envelope import invalid_value, zoho_response
from .keys import CONFIG

routes = web.RouteTableDef()


@routes.get("/books/v3/settings/fields", name="customfields.list")
async def list_fields(request: web.Request) -> web.Response:
    """The custom fields of ``entity`` (only invoices have any here)."""
    entity = request.query.get("entity", "").strip()
    if not entity:
        raise invalid_value("entity", code=4)
    org_id = org_books(request).organization_id
    fields = request.app[CONFIG].invoice_custom_fields if entity == "invoice" else ()
    rows = [custom_fields.definition(org_id, field) for field in fields]
    return zoho_response(customfields=rows)
