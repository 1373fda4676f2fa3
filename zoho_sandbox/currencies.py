"""``GET /settings/currencies``: the organization's enabled currencies."""

from __future__ import annotations

from aiohttp import web

from .context import org_books
from .envelope import zoho_response
from .store import JsonObject

routes = web.RouteTableDef()

# Sandbox bookkeeping that Zoho does not show.
HIDDEN = ("is_enabled",)


def currency_row(currency: JsonObject) -> JsonObject:
    """A currency as Zoho lists it."""
    return {k: v for k, v in currency.items() if k not in HIDDEN}


@routes.get("/books/v3/settings/currencies", name="currencies.list")
async def list_currencies(request: web.Request) -> web.Response:
    """The currencies enabled in the organization (disabled ones are not listed)."""
    books = org_books(request)
    rows = [currency_row(c) for c in books.currencies.values() if c.get("is_enabled", True)]
    return zoho_response(currencies=rows)
