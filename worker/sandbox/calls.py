"""STUB — replaced by the call log (helper A)."""

from __future__ import annotations

from typing import Any

from aiohttp import web


@web.middleware
async def call_log_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Pass through until the call log exists."""
    response: web.StreamResponse = await handler(request)
    return response


def setup(app: web.Application) -> None:
    """Nothing yet."""
