"""``GET`` and ``PATCH /api/settings``: the settings the console can change (SPEC §7, §9).

A change is stored in MongoDB. Auto sync, the reference template, the labels and
the tax map apply live: at once on the replica that took the ``PATCH``, within
``SETTINGS_REFRESH`` seconds on the others. A changed data center or organization
reloads each replica in its process when it notices (``worker.app``);
``restart_needed`` lists them until then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiohttp import web

from ..domain.console_settings import (
    FIELDS,
    RESTART_FIELDS,
    Resolution,
    SettingRejected,
    parse_value,
    resolve,
)
from .errors import ApiError, bad_input
from .services import SettingsParts, services

ORGANIZATION_CHANGE = (
    "changing the organization leaves every order not yet invoiced there pending for the new "
    'organization (Zoho ids and caches are kept per organization); send "confirm": true to go on'
)


def _parts(request: web.Request) -> SettingsParts:
    parts = services(request).settings
    if parts is None:
        raise ApiError(503, "settings_unavailable", "this process serves no settings")
    return parts


async def get_settings(request: web.Request) -> web.Response:
    """Each setting's value in force (or, for the data center and the organization, as the
    replica's next build uses it), where it comes from, and which wait for that build."""
    return web.json_response(await _view(_parts(request)))


async def patch_settings(request: web.Request) -> web.Response:
    """Store the given settings (each validated); the organization only with ``confirm``."""
    parts = _parts(request)
    try:
        await change_settings(parts, await _body(request))
    except SettingRejected as exc:
        raise bad_input(exc.field, exc.message) from None
    return web.json_response(await _view(parts))


async def change_settings(parts: SettingsParts, body: dict[str, Any]) -> None:
    """Validate and store ``body`` (setting → JSON value, and ``confirm``); the API and the
    console both save through here. ``SettingRejected`` names a wrong value (each caller says
    it its way), ``ApiError`` 409 asks to confirm an organization change."""
    body = dict(body)
    confirm = body.pop("confirm", False)
    if not isinstance(confirm, bool):
        raise bad_input("confirm", "true or false")
    changes = {name: parse_value(name, raw) for name, raw in body.items()}
    if "organization_id" in changes and not confirm:
        current = resolve(await parts.store.load(), parts.environment).values["organization_id"]
        if (
            current is not None and changes["organization_id"] != current
        ):  # a switch, not a first choice
            raise ApiError(409, "confirmation_required", ORGANIZATION_CHANGE)
    await parts.store.change(changes)
    if parts.live is not None:
        await parts.live.refresh()


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"null")
    except ValueError:
        raise bad_input("body", "not JSON") from None
    if not isinstance(body, dict):
        raise bad_input("body", "a JSON object of settings")
    return body


@dataclass(frozen=True)
class SettingsState:
    """Each setting's value and source as stored and resolved, and which wait for a start."""

    resolution: Resolution
    restart_needed: list[str]


async def settings_state(parts: SettingsParts) -> SettingsState:
    """The settings as the API and the console show them."""
    resolution = resolve(await parts.store.load(), parts.environment, parts.explicit)
    running = parts.running if parts.live is None else parts.live.running()
    # Without live settings (a process that only serves the API) every change waits for a start.
    restart = RESTART_FIELDS if parts.live is not None else frozenset(FIELDS)
    pending = [
        name for name in FIELDS if name in restart and resolution.values[name] != running.get(name)
    ]
    return SettingsState(resolution, pending)


async def _view(parts: SettingsParts) -> dict[str, Any]:
    state = await settings_state(parts)
    values, sources = state.resolution.values, state.resolution.sources
    settings = {name: {"value": _json(values[name]), "source": sources[name]} for name in FIELDS}
    return {"settings": settings, "restart_needed": state.restart_needed}


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {_rate(rate): tax_id for rate, tax_id in sorted(value.items())}
    return value


def _rate(rate: Decimal) -> str:
    return str(rate)
