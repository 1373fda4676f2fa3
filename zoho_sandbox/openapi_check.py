"""Checks request bodies against Zoho's request schemas, as a strict Zoho would.

``setup`` picks the schemas (``request_schemas``): a folder of Zoho's OpenAPI
files when one is configured and present (``config.openapi_override()``), else
the file shipped in the package (or ``config.request_schemas_file``). With
neither, validation is off (logged) -- unless ``config.require_openapi`` (true
under ``CI=true``), which fails start-up. ``OPENAPI_ON`` and ``SOURCE`` tell
the control API and the start message which way it went.

The middleware reads the body of ``contacts.create|update`` and
``invoices.create|update|upsert`` once (``body.json_body``); a body that is not a JSON
object, or one the schema refuses, gets HTTP 400 with a Zoho code and
"Invalid value passed for <field>", is counted as ``openapi_violations`` and
is logged with the details.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from aiohttp import web
from jsonschema import FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped]
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from . import request_schemas
from .body import json_body
from .config import SandboxConfig
from .envelope import ZohoError
from .keys import CONFIG, COUNTERS

log = logging.getLogger(__name__)

OPERATIONS = request_schemas.OPERATIONS
COUNTER = "openapi_violations"
# OAS 3.0 formats, less "float"/"double": they only say how wide a number is, and
# bodies are read with Decimal money, which those checkers would refuse.
FORMATS = FormatChecker()
FORMATS.checkers = {
    name: check
    for name, check in oas30_format_checker.checkers.items()
    if name not in ("float", "double")
}

OPENAPI_ON = web.AppKey("openapi_on", bool)
SOURCE = web.AppKey("openapi_source", str)
VALIDATORS = web.AppKey("openapi_validators", dict[str, Any])


class OpenApiMissingError(RuntimeError):
    """Validation is required (``require_openapi``) but no request schemas are available."""


def setup(app: web.Application) -> None:
    """Load the validators, or note that validation is off (or fail if it is required)."""
    config = app[CONFIG]
    source = schema_source(config)
    if source is None:
        shipped = config.request_schemas_file or request_schemas.SHIPPED
        if config.require_openapi:
            raise OpenApiMissingError(
                f"request validation is required (require_openapi, set by CI=true) but neither "
                f"an OpenAPI folder (ZBSYNC_ZOHO_OPENAPI_DIR or openapi_dir) nor {shipped} exists"
            )
        log.warning("no request schemas at %s: request bodies are not validated", shipped)
        app[OPENAPI_ON], app[SOURCE], app[VALIDATORS] = False, "", {}
        return
    app[VALIDATORS] = load_validators(source.resolve())
    app[OPENAPI_ON], app[SOURCE] = True, str(source)


def schema_source(config: SandboxConfig) -> Path | None:
    """The OpenAPI folder or request-schemas file to validate against; None if neither exists."""
    override = config.openapi_override()
    if override is not None:
        if override.is_dir():
            return override
        log.warning("OpenAPI folder %s not found: using the shipped request schemas", override)
    shipped = config.request_schemas_file or request_schemas.SHIPPED
    return shipped if shipped.is_file() else None


def validation_state(app: web.Application) -> dict[str, Any]:
    """What the control API shows: on or off, where from, what is checked, violations."""
    validators: dict[str, Any] = app[VALIDATORS]
    return {
        "enabled": app[OPENAPI_ON],
        "source": app[SOURCE] or None,
        "request_classes": sorted(validators),
        "violations": app[COUNTERS][COUNTER],
    }


def describe(app: web.Application) -> str:
    """One line for the start message: where request bodies are validated from."""
    if not app[OPENAPI_ON]:
        return "request bodies are NOT validated (no request schemas found)"
    return f"request bodies validated against {app[SOURCE]}"


def request_validators(config: SandboxConfig | None = None) -> dict[str, Any]:
    """The validators a sandbox with ``config`` checks request bodies with, for checking a
    client's payloads in process; empty when it has no request schemas."""
    source = schema_source(config or SandboxConfig())
    return {} if source is None else load_validators(source.resolve())


@functools.cache
def load_validators(source: Path) -> dict[str, Any]:
    """One validator per request class; cached, since the schemas do not change while serving."""
    if source.is_dir():
        schemas = request_schemas.from_openapi(source)["request_schemas"]
    else:
        schemas = request_schemas.load(source)
    return {
        request_class: OAS30Validator(schemas[request_class], format_checker=FORMATS)
        for request_class in OPERATIONS
    }


@web.middleware
async def validation_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Refuse a checked request whose body is not JSON or breaks the operation's schema."""
    request_class = request.match_info.route.name
    if request_class in OPERATIONS:
        try:
            body = await json_body(request)
        except ZohoError:
            _count(request, request_class, "the body is not a JSON object")
            raise
        validator = request.app[VALIDATORS].get(request_class)
        error = best_match(validator.iter_errors(body)) if validator is not None else None
        if error is not None:
            field, code = _field(error)
            _count(request, request_class, f"{error.json_path}: {error.message}")
            raise ZohoError(400, code, f"Invalid value passed for {field}")
    response: web.StreamResponse = await handler(request)
    return response


def _count(request: web.Request, request_class: str, detail: str) -> None:
    request.app[COUNTERS][COUNTER] += 1
    log.warning("OpenAPI violation in %s: %s", request_class, detail)


def _field(error: ValidationError) -> tuple[str, int]:
    """The field to name in Zoho's message, and the code: 4 for a missing field, else 2."""
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        return (missing[0] if missing else "body"), 4
    names = [part for part in error.absolute_path if isinstance(part, str)]
    return (names[-1] if names else "JSONString"), 2
