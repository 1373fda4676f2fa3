"""Reading query parameters: each wrong one is a 400 naming it."""

from __future__ import annotations

import base64
import binascii
import json

from aiohttp import web

from ..domain.decisions import State
from ..sync.records import PageMark
from .errors import bad_input

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
MAX_ORDER_IDS = 200


def limit(request: web.Request) -> int:
    """``limit``: 1 to 200, default 50."""
    text = request.query.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise bad_input("limit", f"a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def state(request: web.Request) -> str | None:
    """``state``: one of the states an order can show."""
    text = request.query.get("state") or None
    if text is not None and text not in {s.value for s in State}:
        raise bad_input("state", f"one of {', '.join(s.value for s in State)}")
    return text


def search(request: web.Request) -> str | None:
    """``q``: an order id, the shop's order number or an invoice number."""
    return request.query.get("q", "").strip() or None


def cursor(request: web.Request) -> PageMark | None:
    """``cursor``: as a previous page's ``next_cursor`` gave it."""
    text = request.query.get("cursor")
    if not text:
        return None
    try:
        at_ms, order_id = json.loads(base64.urlsafe_b64decode(text.encode()))
    except (binascii.Error, ValueError, TypeError):
        raise bad_input("cursor", "not a cursor this API gave") from None
    if not isinstance(at_ms, int) or not isinstance(order_id, str):
        raise bad_input("cursor", "not a cursor this API gave")
    return (at_ms, order_id)


def encode_cursor(mark: PageMark) -> str:
    """The opaque ``next_cursor`` for a page ending at ``mark``."""
    return base64.urlsafe_b64encode(json.dumps(list(mark)).encode()).decode()


def order_ids(request: web.Request) -> list[str]:
    """``order_id``, repeated: 1 to 200 ids."""
    ids = [i for i in request.query.getall("order_id", []) if i]
    if not ids or len(ids) > MAX_ORDER_IDS:
        raise bad_input("order_id", f"give 1 to {MAX_ORDER_IDS} order ids")
    return ids
