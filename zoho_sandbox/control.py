"""The control API under ``/_sandbox``: what tests and benchmarks use to steer and inspect.

JSON in and out; never authenticated, limited, faulted or logged. Routes:

- ``POST /_sandbox/oauth/code`` ``{"client_id", "scope"}`` → ``{"code"}``: a Self-Client grant code.
- ``GET /_sandbox/state``: books snapshot, counters, tokens (no values), limits, faults, config.
- ``GET /_sandbox/calls?request_class=<fnmatch>&since=<seq>`` → ``{"calls": [...]}``.
- ``GET|POST|DELETE /_sandbox/faults``, ``DELETE /_sandbox/faults/{fault_id}``.
- ``GET|PATCH /_sandbox/config``: PATCH takes any subset of ``SandboxConfig`` fields.
- ``POST /_sandbox/clock`` ``{"advance": seconds}`` and/or ``{"scale": x}``.
- ``POST /_sandbox/reset``: fresh seeded books; tokens, usage, counters, calls and faults cleared.

Bad input is HTTP 400 ``{"error": ..., "field": ..., "message": ...}``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from . import openapi_check, seed
from .accounts import TOKENS, find_client
from .calls import CALLS
from .config import FaultRule, SandboxConfig
from .envelope import dumps, json_response
from .faults import FAULTS
from .keys import CLOCK, CONFIG, COUNTERS, STORE
from .limits import LIMITS
from .tokens import MintDeniedError, parse_scopes

routes = web.RouteTableDef()
M = TypeVar("M", bound=BaseModel)


def setup(app: web.Application) -> None:
    """Register the control routes."""
    app.router.add_routes(routes)


class _BadInput(web.HTTPBadRequest):
    def __init__(self, error: str, field: str, message: str) -> None:
        super().__init__(
            text=dumps({"error": error, "field": field, "message": message}),
            content_type="application/json",
        )


def _validation_failure(exc: ValidationError) -> _BadInput:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    return _BadInput("invalid_input", field, first["msg"])


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise _BadInput("invalid_json", "body", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise _BadInput("invalid_json", "body", "the body must be a JSON object")
    return body


@routes.post("/_sandbox/oauth/code", name="sandbox.oauth_code")
async def grant_code(request: web.Request) -> web.Response:
    """A Self-Client grant code, as Zoho's API console hands one out."""
    body = await _json_object(request)
    app = request.app
    client_id = str(body.get("client_id", ""))
    if find_client(app[CONFIG], client_id) is None:
        raise _BadInput("invalid_client", "client_id", "no such client")
    scopes = parse_scopes(str(body.get("scope", "")))
    try:
        code = app[TOKENS].issue_code(app[CONFIG], app[CLOCK].now(), client_id, scopes)
    except MintDeniedError:
        raise _BadInput("access_denied", "client_id", "too many grant codes") from None
    return json_response({"code": code})


@routes.get("/_sandbox/state", name="sandbox.state")
async def state(request: web.Request) -> web.Response:
    """Everything the sandbox holds, for assertions; token values are never shown."""
    app = request.app
    config, now = app[CONFIG], app[CLOCK].now()
    return json_response(
        {
            "books": app[STORE].snapshot(),
            "counters": dict(app[COUNTERS].items()),
            "tokens": app[TOKENS].summary(config, now),
            "limits": app[LIMITS].summary(config, now),
            "faults": [f.as_json() for f in app[FAULTS].active],
            "clock": _clock_json(request),
            "config": config.model_dump(mode="json"),
            "openapi_validation": _openapi_state(app),
        }
    )


def _openapi_state(app: web.Application) -> object:
    """Hook: ``openapi_check.validation_state(app)`` when that module defines it, else None."""
    probe = getattr(openapi_check, "validation_state", None)
    return probe(app) if callable(probe) else None


@routes.get("/_sandbox/calls", name="sandbox.calls")
async def calls(request: web.Request) -> web.Response:
    """The call log, optionally only one request class and only after a sequence number."""
    since_text = request.query.get("since", "0")
    if not since_text.isdigit():
        raise _BadInput("invalid_input", "since", "a sequence number is expected")
    records = request.app[CALLS].select(request.query.get("request_class"), int(since_text))
    return json_response({"calls": [r.as_json() for r in records]})


@routes.get("/_sandbox/faults", name="sandbox.faults_list")
async def list_faults(request: web.Request) -> web.Response:
    """The fault rules in force."""
    return json_response({"faults": [f.as_json() for f in request.app[FAULTS].active]})


@routes.post("/_sandbox/faults", name="sandbox.faults_add")
async def add_fault(request: web.Request) -> web.Response:
    """Put a rule in force: ``{"request_class", "mode", "times"?, "seconds"?}``."""
    rule = _parse(FaultRule, await _json_object(request))
    return json_response({"fault": request.app[FAULTS].add(rule).as_json()}, status=201)


@routes.delete("/_sandbox/faults", name="sandbox.faults_clear")
async def clear_faults(request: web.Request) -> web.Response:
    """Remove every rule."""
    request.app[FAULTS].replace(())
    return json_response({"faults": []})


@routes.delete("/_sandbox/faults/{fault_id}", name="sandbox.faults_remove")
async def remove_fault(request: web.Request) -> web.Response:
    """Remove one rule by id."""
    if not request.app[FAULTS].remove(request.match_info["fault_id"]):
        raise web.HTTPNotFound(text='{"error": "no such fault"}', content_type="application/json")
    return json_response({"faults": [f.as_json() for f in request.app[FAULTS].active]})


def _parse(model: type[M], body: dict[str, Any]) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _validation_failure(exc) from None


@routes.get("/_sandbox/config", name="sandbox.config_get")
async def get_config(request: web.Request) -> web.Response:
    """The settings in force."""
    return json_response(request.app[CONFIG].model_dump(mode="json"))


@routes.patch("/_sandbox/config", name="sandbox.config_patch")
async def patch_config(request: web.Request) -> web.Response:
    """Change settings at run time; all or nothing, validated like the settings at start."""
    app = request.app
    config, changes = app[CONFIG], await _json_object(request)
    updated = _parse(SandboxConfig, {**config.model_dump(), **changes})
    for name in changes:
        setattr(config, name, getattr(updated, name))
    if "time_scale" in changes:
        app[CLOCK].rescale(config.time_scale)
        app[FAULTS].clock_moved()
    if "faults" in changes:
        app[FAULTS].replace(config.faults)
    return json_response(config.model_dump(mode="json"))


@routes.post("/_sandbox/clock", name="sandbox.clock")
async def move_clock(request: web.Request) -> web.Response:
    """Advance sandbox time and/or change its speed; latency waits re-read the clock."""
    body = await _json_object(request)
    app = request.app
    advance, scale = _number(body, "advance") or 0.0, _number(body, "scale")
    if advance < 0 or (scale is not None and scale <= 0):
        raise _BadInput("invalid_input", "advance" if advance < 0 else "scale", "out of range")
    if scale is not None:
        app[CLOCK].rescale(scale)
        app[CONFIG].time_scale = scale
    app[CLOCK].advance(advance)
    app[FAULTS].clock_moved()
    return json_response(_clock_json(request))


def _number(body: dict[str, Any], field: str) -> float | None:
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _BadInput("invalid_input", field, "a number is expected")
    return float(value)


def _clock_json(request: web.Request) -> dict[str, Any]:
    clock = request.app[CLOCK]
    return {"now": clock.now(), "scale": clock.scale, "wall": clock.wall().isoformat()}


@routes.post("/_sandbox/reset", name="sandbox.reset")
async def reset(request: web.Request) -> web.Response:
    """Start over: freshly seeded books; tokens, usage, counters, call log and faults cleared."""
    app = request.app
    fresh = seed.seeded_store(app[CONFIG], app[CLOCK])
    store = app[STORE]
    for part in dataclasses.fields(store):
        setattr(store, part.name, getattr(fresh, part.name))
    app[TOKENS].clear()
    app[LIMITS].clear()
    app[COUNTERS].clear()
    app[CALLS].clear()
    app[FAULTS].replace(())
    return json_response({"status": "reset"})
