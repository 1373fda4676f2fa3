"""Typed keys for what every part of the sandbox shares through the aiohttp app."""

from __future__ import annotations

from aiohttp import web

from .clock import SandboxClock
from .config import SandboxConfig
from .store import BooksStore

CONFIG = web.AppKey("config", SandboxConfig)
CLOCK = web.AppKey("clock", SandboxClock)
STORE = web.AppKey("store", BooksStore)
