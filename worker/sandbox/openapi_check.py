"""Checks request bodies against Zoho's OpenAPI files, as a strict Zoho would.

``setup`` loads the YAML files from ``config.resolved_openapi_dir()``, relaxes
their known quirks (``openapi_relax``) and builds one validator per checked
request class. Without the folder, validation is off (logged) -- unless
``config.require_openapi`` (true under ``CI=true``), which fails start-up.
``OPENAPI_ON`` tells the control API which way it went.

The middleware reads the body of ``contacts.create|update`` and
``invoices.create|update`` once (``body.json_body``); a body that is not a JSON
object, or one the schema refuses, gets HTTP 400 with a Zoho code and
"Invalid value passed for <field>", is counted as ``openapi_violations`` and
is logged with the details.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web
from jsonschema import FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped]
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from .body import json_body
from .envelope import ZohoError
from .keys import CONFIG, COUNTERS
from .openapi_relax import relaxed

log = logging.getLogger(__name__)

# request class -> (file, path, method) of the operation whose request schema applies
OPERATIONS = {
    "contacts.create": ("contacts.yml", "/contacts", "post"),
    "contacts.update": ("contacts.yml", "/contacts/{contact_id}", "put"),
    "invoices.create": ("invoices.yml", "/invoices", "post"),
    "invoices.update": ("invoices.yml", "/invoices/{invoice_id}", "put"),
}
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
VALIDATORS = web.AppKey("openapi_validators", dict[str, Any])


class OpenApiMissingError(RuntimeError):
    """Validation is required (``require_openapi``) but Zoho's OpenAPI files are not there."""


def setup(app: web.Application) -> None:
    """Load the validators, or note that validation is off (or fail if it is required)."""
    config = app[CONFIG]
    folder = config.resolved_openapi_dir()
    if not folder.is_dir():
        if config.require_openapi:
            raise OpenApiMissingError(
                f"Zoho's OpenAPI files are required (require_openapi, set by CI=true) but "
                f"{folder} does not exist; set ZBSYNC_ZOHO_OPENAPI_DIR or openapi_dir"
            )
        log.warning("OpenAPI folder %s not found: request bodies are not validated", folder)
        app[OPENAPI_ON], app[VALIDATORS] = False, {}
        return
    app[VALIDATORS] = load_validators(folder.resolve())
    app[OPENAPI_ON] = True


def validation_state(app: web.Application) -> dict[str, Any]:
    """What the control API shows: on or off, where from, what is checked, violations."""
    validators: dict[str, Any] = app[VALIDATORS]
    return {
        "enabled": app[OPENAPI_ON],
        "folder": str(app[CONFIG].resolved_openapi_dir()),
        "request_classes": sorted(validators),
        "violations": app[COUNTERS][COUNTER],
    }


@functools.cache
def load_validators(folder: Path) -> dict[str, Any]:
    """One validator per request class; cached, since the files do not change while serving."""
    documents: dict[str, dict[str, Any]] = {}
    validators = {}
    for request_class, (file_name, path, method) in OPERATIONS.items():
        if file_name not in documents:
            documents[file_name] = _load(folder / file_name)
        validators[request_class] = _validator(documents[file_name], file_name, path, method)
    return validators


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=yaml.CSafeLoader)
    return relaxed(document)


def _validator(document: dict[str, Any], file_name: str, path: str, method: str) -> Any:
    """A validator for the JSON request body of ``method path``; ``$ref``s resolve in the file."""
    uri = f"urn:zoho-books-openapi:{file_name}"
    registry: Registry[Any] = Registry().with_resource(uri, DRAFT4.create_resource(document))
    schema = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    reference = schema["schema"]["$ref"]
    return OAS30Validator({"$ref": uri + reference}, registry=registry, format_checker=FORMATS)


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
