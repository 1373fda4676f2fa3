"""STUB — replaced by the gate (helper A)."""

from __future__ import annotations

from typing import Any

from aiohttp import web


@web.middleware
async def gate_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Pass through until the gate exists."""
    response: web.StreamResponse = await handler(request)
    return response


def setup(app: web.Application) -> None:
    """Nothing yet."""
