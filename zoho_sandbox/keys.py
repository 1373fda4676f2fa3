"""Typed keys for what every part of the sandbox shares through the aiohttp app.

The app is frozen once it serves, so shared objects are mutated in place
(``store.orgs.clear()``, ``config.field = ...``), never re-assigned.
"""

from __future__ import annotations

from collections import Counter

from aiohttp import web

from .clock import SandboxClock
from .config import SandboxConfig
from .store import BooksStore

CONFIG = web.AppKey("config", SandboxConfig)
CLOCK = web.AppKey("clock", SandboxClock)
STORE = web.AppKey("store", BooksStore)
# Named tallies shown by the control API: "429.44", "mints", "openapi_violations", ...
COUNTERS = web.AppKey("counters", Counter[str])
