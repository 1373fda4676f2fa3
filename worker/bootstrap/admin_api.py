"""The admin API and the web console wired to one replica's parts (``zbsync run`` serves
them)."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from ..api import ApiServices, SettingsParts, build_app
from ..config import Settings
from ..console import ConsoleConfig, setup_console
from ..domain.preflight import Problem
from ..store.connection import ConnectionRepository
from ..store.mongo import Database
from ..store.settings import SettingsRepository
from . import inspection
from .connection import ConnectionControl
from .console_settings import AppliedSettings
from .live_settings import LiveSettings
from .readiness import readiness_checks
from .replica import Worker, replica_name
from .scrape import ScrapeGauges


def build_admin_api(
    settings: Settings,
    worker: Worker,
    applied: AppliedSettings,
    db: Database,
    http: aiohttp.ClientSession,
    *,
    live: LiveSettings | None = None,
) -> web.Application:
    """The admin API over ``worker``'s stores and services; needs ``ADMIN_TOKEN``; ``live``:
    the replica's live settings (a ``PATCH`` applies to them at once)."""
    assert settings.admin_token is not None  # require_for_run checked it
    assert worker.manual is not None
    console = SettingsParts(
        SettingsRepository(db),
        applied.environment.values,
        applied.environment.explicit,
        applied.resolution.values,
        live,
    )

    async def preflight() -> list[Problem]:
        # The tax map in force, which the console may have changed since the start.
        tax_map = applied.tax_map if live is None else live.running()["tax_map"]
        return await inspection.check(
            applied.settings, db, http, owner=replica_name(), tax_map=tax_map
        )

    parts = ApiServices(
        worker.stores.orders,
        worker.stores.audit,
        worker.manual,
        worker.reconciler,
        console,
        preflight,
    )
    connection = ConnectionControl(settings, db, http, environment=applied.environment)
    app = build_app(
        parts,
        settings.admin_token.get_secret_value(),
        connection,
        readiness=readiness_checks(settings, db, worker.consumer),
        scrape=ScrapeGauges(
            worker.stores.orders,
            worker.budget,
            settings.zoho_organization_id,
            connection=ConnectionRepository(db, settings.fernet()),
            dead_letters=worker.consumer,
        ),
    )
    assert settings.secret_key is not None  # require_for_run checked it
    setup_console(
        app,
        ConsoleConfig(
            settings.admin_token.get_secret_value(),
            settings.secret_key.get_secret_value(),
            str(settings.public_url) if settings.public_url else None,
        ),
    )
    return app
