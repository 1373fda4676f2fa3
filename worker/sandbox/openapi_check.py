"""STUB — replaced by the OpenAPI body check (helper B)."""

from __future__ import annotations

from typing import Any

from aiohttp import web


@web.middleware
async def validation_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Pass through until the OpenAPI check exists."""
    response: web.StreamResponse = await handler(request)
    return response


def setup(app: web.Application) -> None:
    """Nothing yet."""
