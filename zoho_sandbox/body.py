"""Reading a Books request body: JSON, or Zoho's older ``JSONString`` form field.

The body is parsed once (money as ``Decimal``) and kept on the request, so the
OpenAPI check and the handler read the same object. A body that is not a JSON
object is answered the way Zoho answers bad input.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from aiohttp import web

from .envelope import ZohoError
from .store import JsonObject

BODY = web.RequestKey("zoho_body", dict[str, Any])
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def not_json() -> ZohoError:
    """Zoho's answer to a body it cannot read as JSON."""
    return ZohoError(400, 4, "Invalid value passed for JSONString")


async def json_body(request: web.Request) -> JsonObject:
    """The request's JSON object, parsed once; ``ZohoError`` when it is not one."""
    if BODY in request:
        return request[BODY]
    text = await _raw_text(request)
    try:
        value = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise not_json() from exc
    if not isinstance(value, dict):
        raise not_json()
    request[BODY] = value
    return value


async def _raw_text(request: web.Request) -> str:
    if request.content_type in FORM_TYPES:
        form = await request.post()
        field = form.get("JSONString")
        return field if isinstance(field, str) else ""
    return await request.text()
