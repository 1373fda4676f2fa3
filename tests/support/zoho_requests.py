"""Zoho's request schemas, checked in process exactly as the sandbox checks request bodies.

The files come from where the sandbox reads them (``SandboxConfig.resolved_openapi_dir``:
``ZBSYNC_ZOHO_OPENAPI_DIR``, else the default folder). Without them a test skips, saying
so; when they are required (``CI=true``, as for the sandbox) it fails instead.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from worker.sandbox.config import SandboxConfig
from worker.sandbox.openapi_check import load_validators
from worker.zoho.jsonio import dumps


def request_validators() -> dict[str, Any]:
    """One validator per request class (``invoices.create``, ``contacts.create``, ...)."""
    config = SandboxConfig()
    folder = config.resolved_openapi_dir()
    if not folder.is_dir():
        message = (
            f"Zoho's OpenAPI files are not at {folder}: request bodies cannot be checked "
            "(set ZBSYNC_ZOHO_OPENAPI_DIR)"
        )
        if config.require_openapi:
            pytest.fail(message)
        pytest.skip(message)
    return load_validators(folder.resolve())


def violations(validator: Any, payload: dict[str, Any]) -> list[str]:
    """What the schema refuses in ``payload``, sent as the worker sends it and read as the
    sandbox reads it."""
    body = json.loads(dumps(payload), parse_float=Decimal)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(body)]
