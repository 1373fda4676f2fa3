"""The console's pages (``GET``): overview, organization, orders, one order, the check."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..api import params
from ..api.errors import ApiError
from ..api.services import CONNECTION, services
from ..api.settings import settings_state
from ..api.views import order_detail, order_summary
from ..domain.console_settings import DATA_CENTERS, FIELDS
from ..sync.records import page_mark
from .forms import form_values
from .render import render, safe_target

PAGE_SIZE = 25


async def sign_in_page(
    request: web.Request, *, error: str | None = None, status: int = 200
) -> web.Response:
    """The sign-in form (again after a wrong token, with ``error``)."""
    target = request.query.get("next") or (await request.post()).get("next")
    return await render(
        request,
        "sign_in.html",
        "Sign in",
        status=status,
        next=safe_target(str(target or "/")),
        error=error,
    )


async def overview(request: web.Request) -> web.Response:
    """The connection card and the settings form."""
    return await render_overview(request)


async def render_overview(
    request: web.Request,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    """The overview; after a refused save, with the admin's input and what is wrong."""
    parts = services(request).settings
    if parts is None:
        raise ApiError(503, "settings_unavailable", "this process serves no settings")
    state = await settings_state(parts)
    resolution = state.resolution
    settings = {
        name: {"value": resolution.values[name], "source": resolution.sources[name]}
        for name in FIELDS
    }
    control = request.app.get(CONNECTION)
    connection = await control.status() if control is not None else _unconfigured(resolution.values)
    return await render(
        request,
        "overview.html",
        "Connection and settings",
        status=400 if errors else 200,
        page="overview",
        connection=connection,
        can_connect=control is not None,
        settings=settings,
        form=form if form is not None else form_values(resolution.values),
        errors=errors or {},
        data_centers=DATA_CENTERS,
        restart_needed=state.restart_needed,
    )


def _unconfigured(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "connected": False,
        "data_center": values["data_center"],
        "organization_id": values["organization_id"],
        "access_token_expires_at": None,
        "last_error": None,
    }


async def organization_page(request: web.Request) -> web.Response:
    """The organizations the connection reaches, to choose one."""
    control = request.app.get(CONNECTION)
    if control is None:  # a process without the connection's settings: nothing to list
        raise web.HTTPSeeOther("/")
    status = await control.status()
    return await render(
        request,
        "organization.html",
        "Choose organization",
        page="overview",
        organizations=await control.organizations(),
        current=status["organization_id"],
    )


async def orders_page(request: web.Request) -> web.Response:
    """A page of orders, filtered by state and search."""
    state, search, after = params.state(request), params.search(request), params.cursor(request)
    page = await services(request).orders.page(
        state=state, search=search, after=after, limit=PAGE_SIZE + 1
    )
    rows = page[:PAGE_SIZE]
    next_url = None
    if len(page) > PAGE_SIZE:
        cursor = params.encode_cursor(page_mark(rows[-1]))
        next_url = str(request.rel_url.update_query(cursor=cursor))
    return await render(
        request,
        "orders.html",
        "Orders",
        page="orders",
        orders=[{**order_summary(r), "last_error": r.last_error} for r in rows],
        state=state or "",
        q=search or "",
        next_url=next_url,
        paged=after is not None,
        first_url=str(request.rel_url.without_query_params("cursor")),
    )


async def order_page(request: web.Request) -> web.Response:
    """One order's Zoho Books box: state, invoice, actions, audit trail."""
    order_id = request.match_info["order_id"]
    parts = services(request)
    record = await parts.orders.load(order_id)
    if record is None:
        return await not_found(request, order_id)
    detail = order_detail(record, await parts.audit.for_order(order_id))
    return await render(
        request,
        "order.html",
        "Order",
        page="orders",
        order=detail,
        currency=(record.snapshot or {}).get("currency", ""),
        can_generate=record.paid and not record.deleted and record.snapshot is not None,
    )


async def delete_page(request: web.Request) -> web.Response:
    """Asks before deleting an order's invoice in Zoho."""
    order_id = request.match_info["order_id"]
    record = await services(request).orders.load(order_id)
    if record is None:
        return await not_found(request, order_id)
    detail = order_detail(record, [])
    if detail["invoice"] is None:
        raise web.HTTPSeeOther(f"/orders/{order_id}")
    return await render(request, "delete.html", "Delete invoice", page="orders", order=detail)


async def preflight_page(request: web.Request) -> web.Response:
    """The preflight check, run now."""
    check = services(request).preflight
    problems = await check() if check is not None else []
    return await render(request, "preflight.html", "Check", page="preflight", problems=problems)


CONSENT_ERRORS = {  # ConsentRefused and ApiError codes of /oauth/callback
    "invalid_state": "The connection link expired or was opened in another browser: connect again.",
    "invalid_accounts_server": "Zoho's answer named an accounts server that is not Zoho's: "
    "nothing was sent to it. Connect again.",
    "consent_refused": "Zoho says the consent was refused. Connect again and accept.",
}


async def connected(request: web.Request) -> web.Response:
    """Where a browser lands after Zoho's consent. It opens the console with a new
    navigation of this site's own: the redirect from Zoho came cross-site, so the browser
    withheld the SameSite=Strict session cookie (this page needs none)."""
    error = request.query.get("error")
    heading = "Zoho did not connect" if error else "Zoho is connected"
    return await render(
        request,
        "message.html",
        heading,
        status=400 if error else 200,
        heading=heading,
        text=CONSENT_ERRORS.get(error, "Connecting failed: connect again.") if error else "",
        detail=None,
        link="/",
        link_text="Continue to the console",
        refresh=None if error else "/",
    )


async def not_found(request: web.Request, order_id: str) -> web.Response:
    """404: no such order."""
    t_heading = "No such order"
    return await render(
        request,
        "message.html",
        t_heading,
        status=404,
        heading=t_heading,
        text="",
        detail=order_id,
        link="/orders",
        link_text="All orders",
    )
