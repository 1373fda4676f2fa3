"""``GET`` / ``PATCH /api/settings`` over HTTP, and a restart applying what is stored (SPEC §9)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.api.conftest import ADMIN_TOKEN, AUTH
from tests.support.memory_stores import MemoryOrders, MemorySettings
from tests.support.sync_harness import Harness
from worker.api import ApiServices, SettingsParts, build_app, serve
from worker.bootstrap.console_settings import AppliedSettings, apply_console_settings
from worker.config import Settings, load_settings
from worker.store.settings import SettingsRepository
from worker.sync.manual import ManualActions
from worker.sync.ports import SettingsStore


@dataclass
class Started:
    """One 'start' of the worker: the settings it runs with and its API."""

    applied: AppliedSettings
    base: str
    http: aiohttp.ClientSession

    async def call(
        self, method: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        sent = AUTH if headers is None else headers
        url = self.base + "/api/settings"
        async with self.http.request(method, url, headers=sent, **kwargs) as resp:
            return resp.status, await resp.json()


Start = Callable[[Settings], Awaitable[Started]]


@pytest.fixture
async def start(harness: Harness) -> AsyncIterator[Start]:
    """Starts (and restarts) a replica's settings and API on the harness's stores."""
    memory = isinstance(harness.orders, MemoryOrders)
    store: SettingsStore = MemorySettings() if memory else SettingsRepository(harness.db)
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    runners: list[web.AppRunner] = []

    async def started(settings: Settings) -> Started:
        for runner in runners:
            await runner.cleanup()
        applied = await apply_console_settings(settings, store, record=True)
        console = SettingsParts(
            store,
            applied.environment.values,
            applied.environment.explicit,
            applied.resolution.values,
        )
        parts = ApiServices(harness.orders, harness.audit, manual, None, console)
        runner = await serve(build_app(parts, ADMIN_TOKEN), "127.0.0.1", 0, grace_seconds=5)
        runners[:] = [runner]
        host, port = runner.addresses[0][:2]
        return Started(applied, f"http://{host}:{port}", harness.http)

    yield started
    for runner in runners:
        await runner.cleanup()


def _env(**values: object) -> Settings:
    return load_settings(_env_file=None, **values)


async def test_settings_need_the_token(start: Start) -> None:
    api = await start(_env())

    assert (await api.call("GET", headers={}))[0] == 401
    status, _ = await api.call("PATCH", headers={}, json={"auto_sync": False})
    assert status == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"data_center": "us"}, "data_center"),
        ({"organization_id": "not-digits", "confirm": True}, "organization_id"),
        ({"auto_sync": "no"}, "auto_sync"),
        ({"reference_template": "INV-{order}"}, "reference_template"),
        ({"discount_label": ""}, "discount_label"),
        ({"shipping_label": 5}, "shipping_label"),
        ({"tax_map": {"-22": "460"}}, "tax_map.-22"),
        ({"tax_map": {"22": ""}}, "tax_map.22"),
        ({"admin_token": "x"}, "admin_token"),
        ({"confirm": "yes"}, "confirm"),
        (["auto_sync"], "body"),
    ],
)
async def test_each_bad_field_is_a_400_naming_it(start: Start, body: object, field: str) -> None:
    api = await start(_env())

    status, answer = await api.call("PATCH", json=body)

    assert status == 400
    assert answer["error"]["message"].startswith(f"{field}: ")


async def test_an_organization_change_needs_confirmation(start: Start) -> None:
    api = await start(_env(zoho_organization_id="111"))

    status, answer = await api.call("PATCH", json={"organization_id": "222", "auto_sync": False})
    assert status == 409
    assert answer["error"]["code"] == "confirmation_required"
    assert "pending" in answer["error"]["message"]
    status, _ = await api.call("PATCH", json={"organization_id": "111"})  # no change
    assert status == 200
    _, now = await api.call("GET")
    assert now["settings"]["organization_id"]["value"] == "111"
    assert now["settings"]["auto_sync"]["value"] is True  # the refused PATCH stored nothing

    status, answer = await api.call("PATCH", json={"organization_id": "222", "confirm": True})

    assert status == 200
    assert answer["settings"]["organization_id"] == {"value": "222", "source": "console"}
    assert "organization_id" in answer["restart_needed"]


async def test_the_first_organization_needs_no_confirmation(start: Start) -> None:
    api = await start(_env())  # connected, no organization chosen yet: nothing to switch from

    status, answer = await api.call("PATCH", json={"organization_id": "111"})

    assert status == 200
    assert answer["settings"]["organization_id"] == {"value": "111", "source": "console"}


async def test_a_patch_is_read_back_and_applied_at_the_next_start(start: Start) -> None:
    api = await start(_env(zoho_organization_id="111", discount_label="Discount"))
    change = {
        "auto_sync": False,
        "reference_template": "WEB-{number}",
        "discount_label": "Sconto",
        "shipping_label": "Spedizione",
        "data_center": "eu",
        "tax_map": {"22": "460", "5.50": "461"},
    }

    status, patched = await api.call("PATCH", json=change)
    _, read = await api.call("GET")

    assert status == 200
    assert read == patched
    settings = read["settings"]
    assert settings["tax_map"] == {"value": {"5.5": "461", "22": "460"}, "source": "console"}
    assert settings["discount_label"] == {"value": "Sconto", "source": "console"}
    assert settings["organization_id"] == {"value": "111", "source": "environment"}
    assert settings["shipping_label"]["value"] == "Spedizione"
    assert settings["auto_sync"]["value"] is False
    assert set(read["restart_needed"]) == set(change)

    restarted = await start(_env(zoho_organization_id="111", discount_label="Discount"))

    running = restarted.applied.settings
    assert running.auto_sync is False
    assert running.reference_template == "WEB-{number}"
    assert running.discount_label == "Sconto"
    assert running.zoho_data_center == "eu"
    assert running.zoho_organization_id == "111"
    assert set(restarted.applied.tax_map.values()) == {"460", "461"}
    _, after = await restarted.call("GET")
    assert after["restart_needed"] == []


async def test_an_environment_changed_since_the_last_start_wins_again(
    start: Start, json_logs: pytest.CaptureFixture[str]
) -> None:
    api = await start(_env(zoho_organization_id="111", shipping_label="Shipping"))
    await api.call("PATCH", json={"organization_id": "222", "confirm": True})
    await api.call("PATCH", json={"discount_label": "Sconto"})

    restarted = await start(_env(zoho_organization_id="333", shipping_label="Shipping"))

    assert restarted.applied.settings.zoho_organization_id == "333"
    assert restarted.applied.settings.discount_label == "Sconto"  # its environment is the same
    lines = [json.loads(line) for line in json_logs.readouterr().err.splitlines()]
    notes = [
        line for line in lines if line["event"] == "console setting replaced by the environment"
    ]
    assert len(notes) == 1
    assert "organization_id" in notes[0]["detail"]
    assert "222" not in str(notes[0])
    assert "333" not in str(notes[0])
    _, read = await restarted.call("GET")
    assert read["settings"]["organization_id"] == {"value": "333", "source": "environment"}

    again = await start(_env(zoho_organization_id="333", shipping_label="Shipping"))

    assert again.applied.settings.zoho_organization_id == "333"  # the stored value is gone
