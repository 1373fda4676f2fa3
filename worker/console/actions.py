"""The console's forms (``POST``): each acts through the API's services, then redirects
(``303``) to a page that shows the result in a message."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

from aiohttp import web

from ..api.errors import ApiError
from ..api.services import CONNECTION, SettingsParts, services
from ..api.settings import change_settings, settings_state
from ..domain.console_settings import SettingRejected, parse_value
from ..sync.manual import ManualResult, NotAllowed, UnknownOrder
from ..zoho.errors import ZohoError
from . import language
from .forms import FormRejected, settings_body, shown
from .labels import STATE_LABELS
from .language import Translate
from .pages import render_overview, sign_in_page
from .render import safe_target, see_other
from .session import GATE, flash, sign_out

ACTOR = "console"


async def sign_in(request: web.Request) -> web.StreamResponse:
    """The admin token in, a session cookie out."""
    form = await request.post()
    token, target = str(form.get("token", "")), str(form.get("next", "/"))
    gate = request.app[GATE]
    if not gate.token_matches(token):
        t = language.translator_for(request)
        return await sign_in_page(request, error=t("That is not the admin token."), status=401)
    gate.sign_in(request)
    return see_other(safe_target(target))


async def sign_out_action(request: web.Request) -> web.StreamResponse:
    """Forget the session."""
    sign_out(request)
    return see_other("/sign-in")


async def save_settings(request: web.Request) -> web.StreamResponse:
    """Validate and store the settings form; a refusal shows the form again with the error."""
    form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    t = language.translator_for(request)
    parts = _settings_parts(request)
    try:
        body = settings_body(form)
        current = (await settings_state(parts)).resolution.values
        await change_settings(parts, {k: v for k, v in body.items() if _changed(k, v, current)})
    except (FormRejected, SettingRejected) as exc:
        # "tax_map.22" is the tax map's field; the rate leads its message.
        field, _, key = exc.field.partition(".")
        problem = t(exc.problem.template, **exc.problem.fields)
        errors = {field: f"{key}: {problem}" if key else problem}
        return await render_overview(request, form=shown(form), errors=errors)
    except ApiError as exc:
        return await render_overview(request, form=shown(form), errors={"settings": exc.message})
    flash(request, "ok", t("Settings saved."))
    return see_other("/")


async def choose_organization(request: web.Request) -> web.StreamResponse:
    """Store the chosen organization; switching from another needs the confirmation box."""
    form = await request.post()
    t = language.translator_for(request)
    chosen = form.get("organization_id")
    parts = _settings_parts(request)
    before = (await settings_state(parts)).resolution.values["organization_id"]
    try:
        await change_settings(
            parts, {"organization_id": chosen, "confirm": form.get("confirm") == "on"}
        )
    except ApiError as exc:
        flash(request, "error", _refusal(t, exc))
        return see_other("/organization")
    if chosen == before:
        flash(request, "ok", t("Organization saved."))
    else:  # the API's services reload every replica with it (SPEC §5: ids are per organization)
        flash(request, "ok", t("Organization saved. The workers reload with it in a few seconds."))
    return see_other("/")


async def disconnect(request: web.Request) -> web.StreamResponse:
    """Revoke the refresh token at Zoho and forget it."""
    t = language.translator_for(request)
    try:
        done = await request.app[CONNECTION].disconnect()
    except ZohoError as exc:
        flash(request, "error", t("Zoho could not be reached: {error}", error=exc))
        return see_other("/")
    flash(request, "ok", t("Disconnected from Zoho.") if done else t("Nothing was connected."))
    return see_other("/")


async def generate(request: web.Request) -> web.StreamResponse:
    """Generate or update the order's invoice now."""
    order_id = request.match_info["order_id"]
    await _act(request, order_id, services(request).manual.generate(order_id, ACTOR))
    return see_other(f"/orders/{order_id}")


async def delete_invoice(request: web.Request) -> web.StreamResponse:
    """Delete the order's draft invoice in Zoho."""
    order_id = request.match_info["order_id"]
    await _act(request, order_id, services(request).manual.delete_invoice(order_id, ACTOR))
    return see_other(f"/orders/{order_id}")


async def _act(request: web.Request, order_id: str, action: Awaitable[ManualResult]) -> None:
    t = language.translator_for(request)
    try:
        result = await action
    except (UnknownOrder, NotAllowed, ZohoError) as exc:
        flash(request, "error", t("Not done: {reason}", reason=exc))
        return
    if not result.carried_out:
        flash(request, "ok", t("Requested: another worker holds this order and carries it out."))
        return
    flash(request, "ok", _result(t, result))


def _result(t: Translate, result: ManualResult) -> str:
    record = result.record
    invoice = record.invoice
    if record.state in {"synced", "locked"} and invoice is not None and not invoice.gone:
        return t("Done. Zoho invoice: {number}", number=invoice.invoice_number)
    state = t(STATE_LABELS.get(record.state, record.state))
    reason = f" {record.reason}" if record.reason else ""
    return t("Done. The order is now: {state}.", state=state) + reason


def _changed(name: str, raw: object, current: Mapping[str, Any]) -> bool:
    """Whether the form changes ``name``: only changes are stored, so a setting the admin
    left alone keeps coming from the environment or the default."""
    try:
        return bool(parse_value(name, raw) != current[name])
    except SettingRejected:
        return True  # stored through change_settings, which names the field


def _settings_parts(request: web.Request) -> SettingsParts:
    parts = services(request).settings
    if parts is None:
        raise ApiError(503, "settings_unavailable", "this process serves no settings")
    return parts


def _refusal(t: Translate, exc: ApiError) -> str:
    if exc.code == "confirmation_required":
        return t("Tick the box to confirm switching organization.")
    return exc.message
