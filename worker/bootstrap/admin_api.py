"""The admin API wired to one replica's parts (``zbsync run`` serves it)."""

from __future__ import annotations

from aiohttp import web

from ..api import ApiServices, SettingsParts, build_app
from ..config import Settings
from ..sync.ports import SettingsStore
from .console_settings import AppliedSettings
from .replica import Worker


def build_admin_api(
    settings: Settings, worker: Worker, applied: AppliedSettings, store: SettingsStore
) -> web.Application:
    """The admin API over ``worker``'s stores and services; needs ``ADMIN_TOKEN``."""
    assert settings.admin_token is not None  # require_for_run checked it
    assert worker.manual is not None
    console = SettingsParts(
        store,
        applied.environment.values,
        applied.environment.explicit,
        applied.resolution.values,
    )
    parts = ApiServices(
        worker.stores.orders, worker.stores.audit, worker.manual, worker.reconcile, console
    )
    return build_app(parts, settings.admin_token.get_secret_value())
