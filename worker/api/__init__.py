"""The admin HTTP API (SPEC §7): an adapter over the sync and reconcile services.

``build_app`` makes the aiohttp application; ``bootstrap`` gives it the services
and ``zbsync run`` serves it on ``HTTP_HOST:HTTP_PORT``.
"""

from __future__ import annotations

from .app import build_app
from .serve import serve
from .services import ApiServices, SettingsParts

__all__ = ["ApiServices", "SettingsParts", "build_app", "serve"]
