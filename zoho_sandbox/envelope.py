"""Zoho's response envelope: ``code`` + ``message`` + the resource, and errors as exceptions.

Handlers return ``zoho_response(...)`` on success and raise ``ZohoError`` on
failure; ``error_middleware`` turns the exception into the body Zoho sends.
Money leaves the sandbox as JSON numbers, as Zoho's examples show.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from aiohttp import web

from .clock import SandboxClock


class ZohoError(Exception):
    """A Books API error: HTTP status, Zoho ``code`` and ``message``."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class OAuthError(Exception):
    """A Zoho Accounts error: an ``error`` key in the body, often with HTTP 200."""

    def __init__(self, error: str, *, status: int = 200, description: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.description = description


def not_found(resource: str) -> ZohoError:
    """Zoho's code 1002 for a resource that is not there."""
    return ZohoError(404, 1002, f"{resource} does not exist.")


def invalid_value(field: str, *, code: int = 2) -> ZohoError:
    """Zoho's answer to a field it cannot accept."""
    return ZohoError(400, code, f"Invalid value passed for {field}")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        # Zoho emits numbers; Decimal text becomes a JSON number the client can read exactly.
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(payload: object) -> str:
    """JSON with Decimal money written as numbers."""
    return json.dumps(payload, default=_json_default, ensure_ascii=False)


def json_response(payload: object, status: int = 200) -> web.Response:
    """A JSON response written with ``dumps``."""
    return web.json_response(payload, status=status, dumps=dumps)


def zoho_response(message: str = "success", status: int = 200, **resources: Any) -> web.Response:
    """A successful Books API response: ``{"code": 0, "message": ..., <resources>}``."""
    return json_response({"code": 0, "message": message, **resources}, status=status)


def zoho_time(clock: SandboxClock) -> str:
    """A Zoho timestamp: ISO 8601 with a numeric offset and no colon."""
    return clock.wall().strftime("%Y-%m-%dT%H:%M:%S%z")


@web.middleware
async def error_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Turn ``ZohoError`` / ``OAuthError`` into the bodies Zoho sends."""
    try:
        response: web.StreamResponse = await handler(request)
    except ZohoError as exc:
        return json_response({"code": exc.code, "message": exc.message}, status=exc.status)
    except OAuthError as exc:
        body = {"error": exc.error}
        if exc.description:
            body["error_description"] = exc.description
        return json_response(body, status=exc.status)
    return response
