"""Zoho's request schemas, checked in process exactly as the sandbox checks request bodies.

The schemas come from where the sandbox takes them (``request_validators``): the folder in
``ZBSYNC_ZOHO_OPENAPI_DIR`` when set, else the copy shipped in the repository, so a
plain clone checks them too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from worker.zoho.jsonio import dumps
from zoho_sandbox import request_validators as sandbox_validators


def request_validators() -> dict[str, Any]:
    """One validator per request class (``invoices.create``, ``contacts.create``, ...)."""
    validators = sandbox_validators()
    assert validators, "no request schemas: the shipped file is missing"
    return validators


def violations(validator: Any, payload: dict[str, Any]) -> list[str]:
    """What the schema refuses in ``payload``, sent as the worker sends it and read as the
    sandbox reads it."""
    body = json.loads(dumps(payload), parse_float=Decimal)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(body)]
