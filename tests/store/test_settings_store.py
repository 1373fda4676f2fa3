"""The console's settings store, on MongoDB and in memory: the same answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.memory_stores import MemorySettings
from worker.domain.console_settings import StoredSettings
from worker.store.mongo import Database
from worker.store.settings import SettingsRepository
from worker.sync.ports import SettingsStore


@pytest.fixture(params=["mongodb", "memory"])
def store(request: pytest.FixtureRequest) -> SettingsStore:
    if request.param == "memory":
        return MemorySettings()
    db: Database = request.getfixturevalue("mongo_db")
    return SettingsRepository(db)


async def test_nothing_stored_reads_empty(store: SettingsStore) -> None:
    assert await store.load() == StoredSettings({}, None)


async def test_changes_merge_and_tax_maps_round_trip(store: SettingsStore) -> None:
    taxes = {Decimal(22): "460", Decimal("5.5"): "461"}
    await store.change({"auto_sync": False, "tax_map": taxes})
    assert (await store.load()).values["auto_sync"] is False
    await store.change({"organization_id": "123", "auto_sync": True})

    loaded = await store.load()

    assert loaded.values == {"auto_sync": True, "tax_map": taxes, "organization_id": "123"}
    assert loaded.values["auto_sync"] is True
    assert loaded.environment_seen is None


async def test_settle_forgets_replaced_values_and_records_the_environment(
    store: SettingsStore,
) -> None:
    await store.change({"organization_id": "123", "discount_label": "Sconto"})
    environment = {"organization_id": "999", "tax_map": {Decimal(10): "7"}}

    await store.settle(frozenset({"organization_id"}), environment)

    loaded = await store.load()
    assert loaded.values == {"discount_label": "Sconto"}
    assert loaded.environment_seen == environment
