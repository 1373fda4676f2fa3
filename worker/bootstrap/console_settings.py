"""The console's settings applied to ``Settings`` at a start (SPEC §9).

``zbsync run`` resolves stored against environment values, logs each setting
whose environment value changed since the last start (and so wins again), and
records the environment it saw. One-off commands resolve the same way but record
nothing: a shell with another environment must not count as a start.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import structlog

from ..config import Settings
from ..domain.console_settings import FIELDS, Resolution, resolve
from ..store.mongo import Database
from ..store.settings import SettingsRepository
from ..sync.ports import SettingsStore

log = structlog.get_logger(__name__)

# console name → Settings attribute (the tax map has no environment variable)
SETTINGS_NAMES = {
    "data_center": "zoho_data_center",
    "organization_id": "zoho_organization_id",
    "auto_sync": "auto_sync",
    "reference_template": "reference_template",
    "discount_label": "discount_label",
    "shipping_label": "shipping_label",
}


@dataclass(frozen=True)
class ConsoleEnvironment:
    """What the environment says for each console setting, and which it set explicitly."""

    values: dict[str, Any]
    explicit: frozenset[str]

    @classmethod
    def of(cls, settings: Settings) -> ConsoleEnvironment:
        """The console settings' environment values in ``settings``."""
        values: dict[str, Any] = {
            name: getattr(settings, attribute) for name, attribute in SETTINGS_NAMES.items()
        }
        values["tax_map"] = {}
        explicit = {n for n, a in SETTINGS_NAMES.items() if a in settings.model_fields_set}
        return cls(values, frozenset(explicit))


@dataclass(frozen=True)
class AppliedSettings:
    """The settings to run with, the tax map, and where each console setting came from."""

    settings: Settings
    tax_map: dict[Decimal, str]
    resolution: Resolution
    environment: ConsoleEnvironment


async def apply_console_settings(
    settings: Settings, store: SettingsStore, *, record: bool
) -> AppliedSettings:
    """``settings`` with the console's stored values applied; ``record``: this is a start."""
    environment = ConsoleEnvironment.of(settings)
    resolution = resolve(await store.load(), environment.values, environment.explicit)
    if record:
        for note in resolution.notes:
            log.warning("console setting replaced by the environment", detail=note)
        await store.settle(resolution.forget, environment.values)
    update = {SETTINGS_NAMES[name]: resolution.values[name] for name in SETTINGS_NAMES}
    assert set(FIELDS) == {*SETTINGS_NAMES, "tax_map"}
    return AppliedSettings(
        settings.model_copy(update=update),
        dict(resolution.values["tax_map"]),
        resolution,
        environment,
    )


async def console_settings(settings: Settings, db: Database, *, record: bool) -> AppliedSettings:
    """``apply_console_settings`` on the MongoDB store of ``db``."""
    return await apply_console_settings(settings, SettingsRepository(db), record=record)
