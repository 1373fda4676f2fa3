"""Console settings applied to running replicas (``bootstrap.live_settings``), with fakes, and
through ``PATCH /api/settings`` on one replica seen by another."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from tests.api.conftest import ADMIN_TOKEN, AUTH
from tests.support.memory_stores import MemoryOrders, MemorySettings
from tests.support.orders import event, order_data
from tests.support.sync_harness import Harness
from worker.api import ApiServices, SettingsParts, build_app, serve
from worker.bootstrap.console_settings import AppliedSettings, apply_console_settings
from worker.bootstrap.live_settings import LiveSettings, Reactions
from worker.bootstrap.replica import sync_policy
from worker.clock import SystemClock
from worker.config import Settings, load_settings
from worker.domain.lanes import Lane
from worker.sync.intake import take_in
from worker.sync.manual import ManualActions
from worker.sync.policy import LivePolicy
from worker.sync.records import OrderRecord

ORG = "20061234567"


def _env(**values: object) -> Settings:
    return load_settings(_env_file=None, **values)


async def _replica(store: MemorySettings, settings: Settings) -> tuple[LiveSettings, LivePolicy]:
    """One replica's start: the stored settings applied, and its live settings."""
    applied = await apply_console_settings(settings, store, record=True)
    policy = LivePolicy(sync_policy(applied.settings, applied.tax_map))
    return LiveSettings(store, applied.environment, policy, applied.resolution.values), policy


class Switches:
    """An ``on_change`` hook that records auto sync's positions, failing when told."""

    def __init__(self) -> None:
        self.seen: list[bool] = []
        self.fail = False

    async def __call__(self, changed: tuple[str, ...], running: Mapping[str, Any]) -> None:
        if "auto_sync" in changed:
            self.seen.append(bool(running["auto_sync"]))
        if self.fail:
            raise ConnectionError("database away")


class ReconcilerMemory:
    """``ReconcilerState`` in memory."""

    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}

    async def state(self, organization_id: str) -> dict[str, Any]:
        return dict(self.states.get(organization_id, {}))

    async def set_state(self, organization_id: str, **fields: int | str) -> None:
        self.states.setdefault(organization_id, {}).update(fields)

    async def record_pass(self, summary: dict[str, Any]) -> None:
        return None


async def test_a_stored_change_applies_at_the_next_look_and_the_organization_does_not() -> None:
    store = MemorySettings()
    live, policy = await _replica(store, _env(zoho_organization_id="111"))
    await store.change(
        {
            "discount_label": "Sconto",
            "reference_template": "W-{number}",
            "tax_map": {Decimal(22): "460"},
            "organization_id": "222",
        }
    )

    changed = await live.refresh()

    assert set(changed) == {"discount_label", "reference_template", "tax_map"}
    mapping = policy.current.mapping
    assert (mapping.discount_label, mapping.reference_template) == ("Sconto", "W-{number}")
    assert mapping.tax_map == {Decimal(22): "460"}
    assert mapping.shipping_label == "Shipping"
    assert live.running()["organization_id"] == "111"  # the Zoho client is the start's
    assert policy.version == 1
    assert await live.refresh() == ()
    assert policy.version == 1


async def test_a_changed_organization_or_data_center_asks_for_a_reload_at_every_look() -> None:
    store = MemorySettings()
    applied = await apply_console_settings(_env(), store, record=True)
    asked: list[tuple[str, ...]] = []
    live = LiveSettings(
        store,
        applied.environment,
        LivePolicy(sync_policy(applied.settings)),
        applied.resolution.values,
        on_restart=asked.append,
    )
    await store.change({"discount_label": "Sconto"})
    await live.refresh()
    assert asked == []  # a live setting needs no reload

    await store.change({"organization_id": ORG, "data_center": "eu"})
    assert await live.refresh() == ()
    await live.refresh()

    assert asked == [("data_center", "organization_id")] * 2  # until the replica is rebuilt
    assert live.running()["organization_id"] is None  # this build's Zoho client has none


async def test_an_environment_changed_since_the_last_start_still_wins_when_refreshing() -> None:
    store = MemorySettings()
    await _replica(store, _env(shipping_label="Shipping"))
    await store.change({"shipping_label": "Spedizione", "discount_label": "Sconto"})
    # Another replica started since, with another shipping label in its environment.
    live, policy = await _replica(store, _env(shipping_label="Porto"))

    await live.refresh()

    assert policy.current.mapping.shipping_label == "Porto"
    assert policy.current.mapping.discount_label == "Sconto"


async def test_the_auto_sync_hook_runs_once_per_switch_and_again_after_it_failed() -> None:
    store = MemorySettings()
    applied = await apply_console_settings(_env(), store, record=True)
    policy = LivePolicy(sync_policy(applied.settings))
    switches = Switches()
    live = LiveSettings(
        store, applied.environment, policy, applied.resolution.values, on_change=switches
    )

    await store.change({"auto_sync": False})
    switches.fail = True
    await live.refresh()
    assert policy.current.auto_sync is False  # writes stop at once, hook or not
    switches.fail = False
    await live.refresh()
    await live.refresh()

    assert switches.seen == [False, False]
    await store.change({"auto_sync": True})
    await live.refresh()
    assert switches.seen == [False, False, True]
    assert policy.current.auto_sync is True


async def test_switching_auto_sync_on_queues_the_pending_orders_in_the_backfill_lane() -> None:
    orders, reconciler = MemoryOrders(), ReconcilerMemory()
    reactions = Reactions(reconciler, orders, None, SystemClock(), organization_id=ORG)
    for order_id in ("1", "2"):
        await take_in(orders, _NoAudit(), event("order.paid", order_data(order_id)), 0, "t")
        await orders.change(order_id, lambda r: r and r.replace(state="pending", due_at_ms=None))

    await reactions(("auto_sync",), {"auto_sync": False})
    assert await orders.due(SystemClock().now_ms(), limit=10) == []
    await reactions(("auto_sync", "discount_label"), {"auto_sync": True})

    due = await orders.due(SystemClock().now_ms(), limit=10)
    assert sorted(due) == [("1", Lane.BACKFILL.name), ("2", Lane.BACKFILL.name)]
    assert reconciler.states[ORG]["auto_sync_seen"] == "on"


async def test_a_new_tax_map_queues_the_orders_an_unmatched_tax_holds() -> None:
    orders = MemoryOrders()
    reactions = Reactions(ReconcilerMemory(), orders, None, SystemClock(), organization_id=ORG)
    for order_id, from_config in (("1", True), ("2", False)):
        await take_in(orders, _NoAudit(), event("order.paid", order_data(order_id)), 0, "t")
        await orders.change(order_id, _held(from_config))

    await reactions(("shipping_label",), {})
    assert await orders.due(SystemClock().now_ms(), limit=10) == []
    await reactions(("tax_map",), {})

    assert await orders.due(SystemClock().now_ms(), limit=10) == [("1", Lane.RECONCILER.name)]


def _held(from_config: bool) -> Callable[[OrderRecord | None], OrderRecord | None]:
    def change(record: OrderRecord | None) -> OrderRecord | None:
        if record is None:
            return None
        return record.replace(
            state="needs_attention", reason_from_config=from_config, due_at_ms=None
        )

    return change


class _NoAudit:
    async def ensure_indexes(self) -> None:
        return None

    async def record(self, order_id: str, at_ms: int, kind: str, actor: str, **detail: Any) -> None:
        return None

    async def for_order(self, order_id: str, limit: int = 100) -> list[dict[str, Any]]:
        return []


@pytest.fixture
async def replica_api(harness: Harness) -> AsyncIterator[tuple[str, MemorySettings, Settings]]:
    """Replica A's settings API (with live settings) on a memory store; its base URL."""
    store, settings = MemorySettings(), _env(zoho_organization_id="111")
    applied: AppliedSettings = await apply_console_settings(settings, store, record=True)
    policy = LivePolicy(sync_policy(applied.settings))
    live = LiveSettings(store, applied.environment, policy, applied.resolution.values)
    console = SettingsParts(
        store, applied.environment.values, applied.environment.explicit, {}, live
    )
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    parts = ApiServices(harness.orders, harness.audit, manual, None, console)
    runner = await serve(build_app(parts, ADMIN_TOKEN), "127.0.0.1", 0, grace_seconds=5)
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/api/settings", store, settings
    finally:
        await runner.cleanup()


async def test_a_patch_applies_here_at_once_and_on_another_replica_at_its_next_look(
    replica_api: tuple[str, MemorySettings, Settings], http: aiohttp.ClientSession
) -> None:
    url, store, settings = replica_api
    other, other_policy = await _replica(store, settings)
    change = {"auto_sync": False, "shipping_label": "Spedizione", "tax_map": {"22": "460"}}

    async with http.patch(url, json=change, headers=AUTH) as resp:
        assert resp.status == 200
        patched = await resp.json()
    assert patched["restart_needed"] == []
    assert other_policy.current.auto_sync is True  # not looked yet

    assert set(await other.refresh()) == {"auto_sync", "shipping_label", "tax_map"}
    assert other_policy.current.auto_sync is False
    assert other_policy.current.mapping.shipping_label == "Spedizione"

    body = {"organization_id": "222", "confirm": True, "data_center": "eu"}
    async with http.patch(url, json=body, headers=AUTH) as resp:
        assert (await resp.json())["restart_needed"] == ["data_center", "organization_id"]
