"""STUB — replaced by helper A."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Nothing yet."""
