"""``GET /settings/taxes``: taxes and tax groups in one list, inactive ones included."""

from __future__ import annotations

from aiohttp import web

from .context import org_books
from .envelope import zoho_response
from .listing import paginate
from .store import JsonObject

routes = web.RouteTableDef()

# A group's member ids are sandbox bookkeeping; the list does not show them.
HIDDEN = ("taxes",)


def tax_row(tax: JsonObject) -> JsonObject:
    """A tax or tax group as Zoho lists it."""
    return {k: v for k, v in tax.items() if k not in HIDDEN}


@routes.get("/books/v3/settings/taxes", name="taxes.list")
async def list_taxes(request: web.Request) -> web.Response:
    """One page of the organization's taxes, groups (``tax_type`` "tax_group") included."""
    rows = [tax_row(t) for t in org_books(request).taxes.values()]
    page, context = paginate(
        rows,
        request.query,
        report_name="Taxes",
        applied_filter="Status.All",
        sort_column="created_time",
        sort_order="D",
    )
    return zoho_response(taxes=page, page_context=context)
