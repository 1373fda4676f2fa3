"""``/readyz`` and ``/metrics`` over HTTP, with fake checks and fake stores: no token needed,
readiness names each failing check and heals, metrics are Prometheus' text format with the
gauges read at scrape time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from pymongo.errors import ServerSelectionTimeoutError

from tests.support.manual_clock import ManualClock
from tests.support.memory_stores import MemoryAudit, MemoryOrders
from worker.api import ApiServices, build_app, serve
from worker.api.metrics import Refresh
from worker.api.readiness import NOT_CONFIGURED, Checks, run_checks
from worker.bootstrap.scrape import ScrapeGauges
from worker.clock import SystemClock
from worker.domain.budget_ledger import BudgetLimits, BudgetUsage
from worker.domain.connection import StoredConnection
from worker.domain.invoice_mapping import MappingSettings
from worker.domain.readiness import CONNECTION_STATES
from worker.store.connection import SealedTokenUnreadable
from worker.sync.manual import ManualActions
from worker.sync.policy import SyncPolicy
from worker.sync.prepare import Preparer
from worker.sync.service import OrderSync

ADMIN_TOKEN = "test-admin-token"
Served = Callable[..., Awaitable[str]]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """Serve the API (Zoho not connected, in-memory stores) with the given checks and
    scrape refresh; the base URL."""
    runners: list[Any] = []

    async def serve_with(readiness: Checks | None = None, scrape: Refresh | None = None) -> str:
        orders, audit, clock = MemoryOrders(), MemoryAudit(), SystemClock()
        policy = SyncPolicy(mapping=MappingSettings())
        preparer = Preparer(None, clock=clock, policy=policy)
        service = OrderSync(orders, audit, preparer, clock=clock, owner="a", policy=policy)
        parts = ApiServices(orders, audit, ManualActions(orders, audit, service, clock), None)
        app = build_app(parts, ADMIN_TOKEN, readiness=readiness, scrape=scrape)
        runner = await serve(app, "127.0.0.1", 0, grace_seconds=5)
        runners.append(runner)
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    try:
        yield serve_with
    finally:
        for runner in runners:
            await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session."""
    async with aiohttp.ClientSession() as session:
        yield session


async def _get_json(http: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with http.get(url) as resp:  # no Authorization header: these routes are open
        return resp.status, await resp.json()


@dataclass
class Switch:
    """A check a test turns on and off."""

    problem: str | None = None

    async def __call__(self) -> str | None:
        return self.problem


async def _passes() -> str | None:
    return None


async def test_readyz_is_200_with_each_check_when_all_pass(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = await served({"broker": _passes, "database": _passes, "zoho": _passes})
    assert await _get_json(http, f"{base}/readyz") == (
        200,
        {"ready": True, "checks": {n: {"ok": True} for n in ("broker", "database", "zoho")}},
    )


async def test_readyz_is_503_naming_an_unreachable_database_and_ready_again_once_it_heals(
    served: Served, http: aiohttp.ClientSession
) -> None:
    reachable = True

    async def database() -> str | None:
        if not reachable:
            raise ServerSelectionTimeoutError("mongodb://user:secret@db.internal:27017 timed out")
        return None

    base = await served({"broker": _passes, "database": database, "zoho": _passes})
    reachable = False
    status, body = await _get_json(http, f"{base}/readyz")
    assert (status, body["ready"]) == (503, False)
    assert body["checks"]["database"] == {
        "ok": False,
        "reason": "check failed: ServerSelectionTimeoutError",
    }
    assert body["checks"]["broker"] == body["checks"]["zoho"] == {"ok": True}
    assert "secret" not in str(body)
    reachable = True
    assert (await _get_json(http, f"{base}/readyz"))[1]["ready"] is True


async def test_readyz_names_every_failing_check(
    served: Served, http: aiohttp.ClientSession
) -> None:
    broker, zoho = Switch("not consuming"), Switch("connection broken")
    base = await served({"broker": broker, "database": _passes, "zoho": zoho})
    status, body = await _get_json(http, f"{base}/readyz")
    assert status == 503
    assert body["checks"] == {
        "broker": {"ok": False, "reason": "not consuming"},
        "database": {"ok": True},
        "zoho": {"ok": False, "reason": "connection broken"},
    }
    broker.problem = zoho.problem = None
    assert (await _get_json(http, f"{base}/readyz"))[0] == 200


async def test_readyz_without_checks_is_not_ready(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = await served()
    assert await _get_json(http, f"{base}/readyz") == (
        503,
        {"ready": False, "checks": {}, "reason": NOT_CONFIGURED},
    )


async def test_a_check_that_hangs_fails_at_its_time_limit() -> None:
    async def hangs() -> str | None:
        await asyncio.Event().wait()
        return None

    ready, checks = await run_checks({"database": hangs, "broker": _passes}, timeout_s=0.01)
    assert not ready
    assert checks == {
        "database": {"ok": False, "reason": "no answer within 0.01 s"},
        "broker": {"ok": True},
    }


class CountingOrders:
    """``count_by_state`` answers fixed counts and counts how often it was asked."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.reads = 0

    async def count_by_state(self) -> dict[str, int]:
        self.reads += 1
        return dict(self.counts)


class FixedBudget:
    """A budget with some of it spent."""

    async def usage(self) -> BudgetUsage:
        limits = BudgetLimits(requests_per_window=90, daily_limit=1000)
        return BudgetUsage(in_window=10, today=250, in_flight=2, limits=limits)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_are_prometheus_text_with_orders_and_budget_read_at_scrape(
    served: Served, http: aiohttp.ClientSession
) -> None:
    orders = CountingOrders({"synced": 3, "needs_attention": 1})
    base = await served(scrape=ScrapeGauges(orders, FixedBudget(), "20061234567"))
    async with http.get(f"{base}/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        samples = _samples(await resp.text())
    assert samples[("zbsync_orders", (("state", "synced"),))] == 3
    assert samples[("zbsync_orders", (("state", "needs_attention"),))] == 1
    assert samples[("zbsync_orders", (("state", "failed"),))] == 0  # every state, even at 0
    org = ("organization", "20061234567")
    assert samples[("zbsync_zoho_budget_left", (org, ("window", "minute")))] == 80
    assert samples[("zbsync_zoho_budget_left", (org, ("window", "day")))] == 750
    assert samples[("zbsync_zoho_budget_limit", (org, ("window", "day")))] == 1000
    assert samples[("zbsync_zoho_budget_in_flight", (org,))] == 2
    names = {family.name for family in text_string_to_metric_families(await _text(http, base))}
    assert {
        "zbsync_events",
        "zbsync_dead_lettered",
        "zbsync_zoho_calls",
        "zbsync_zoho_call_seconds",
        "zbsync_zoho_token_refreshes",
        "zbsync_reconciler_passes",
        "zbsync_reconciler_pass_seconds",
        "zbsync_event_to_invoice_seconds",
    } <= names


async def _text(http: aiohttp.ClientSession, base: str) -> str:
    async with http.get(f"{base}/metrics") as resp:
        return await resp.text()


class Connections:
    """A stored connection a test replaces, or a token no key decrypts."""

    def __init__(self, stored: StoredConnection | None) -> None:
        self.stored = stored
        self.unreadable = False

    async def load(self) -> StoredConnection | None:
        if self.unreadable:
            raise SealedTokenUnreadable("no key decrypts it")
        return self.stored


async def test_the_connection_gauge_is_1_for_the_stored_connections_state_only() -> None:
    clock = ManualClock()
    connections = Connections(None)
    gauges = ScrapeGauges(CountingOrders({}), None, None, clock, connection=connections, ttl_ms=1)

    def states() -> dict[str, float]:
        samples = _samples(generate_latest(REGISTRY).decode())
        return {
            dict(k[1])["state"]: v for k, v in samples.items() if k[0] == "zbsync_zoho_connection"
        }

    await gauges()
    assert states() == {s: float(s == "not_connected") for s in CONNECTION_STATES}
    connections.stored = StoredConnection("com", "client", "refresh", status="broken")
    clock.advance(1)
    await gauges()
    assert states() == {s: float(s == "broken") for s in CONNECTION_STATES}
    connections.stored = StoredConnection("com", "client", "refresh", refresh_failing_since_ms=1)
    clock.advance(1)
    await gauges()
    assert states() == {s: float(s == "refresh_failing") for s in CONNECTION_STATES}
    connections.unreadable = True
    clock.advance(1)
    await gauges()
    assert states() == {s: float(s == "unreadable") for s in CONNECTION_STATES}


async def test_a_scrape_storm_reads_the_database_once_per_period() -> None:
    orders, clock = CountingOrders({"synced": 1}), ManualClock()
    gauges = ScrapeGauges(orders, None, None, clock, ttl_ms=5_000)
    await asyncio.gather(*(gauges() for _ in range(20)))
    assert orders.reads == 1
    clock.advance(4_999)
    await gauges()
    assert orders.reads == 1
    clock.advance(1)
    await gauges()
    assert orders.reads == 2


async def test_a_failed_read_keeps_the_values_read_last_and_the_scrape_answers(
    served: Served, http: aiohttp.ClientSession
) -> None:
    orders, clock = CountingOrders({"synced": 7}), ManualClock()
    gauges = ScrapeGauges(orders, None, None, clock, ttl_ms=1)
    base = await served(scrape=gauges)
    await _text(http, base)

    async def unreachable() -> dict[str, int]:
        raise ServerSelectionTimeoutError("no servers")

    orders.count_by_state = unreachable  # type: ignore[method-assign]
    clock.advance(1)
    samples = _samples(await _text(http, base))
    assert samples[("zbsync_orders", (("state", "synced"),))] == 7


class DeadLetters:
    """A dead-letter queue whose depth the test sets; ``None`` raises, as a broker down does."""

    def __init__(self, depth: int | None) -> None:
        self.depth = depth

    async def dead_letters_waiting(self) -> int | None:
        if self.depth is None:
            raise ConnectionError("the broker is down")
        return self.depth


async def test_the_dead_letter_queue_depth_is_read_apart_from_the_database(
    served: Served, http: aiohttp.ClientSession
) -> None:
    orders, clock, letters = CountingOrders({"synced": 3}), ManualClock(), DeadLetters(4)
    gauges = ScrapeGauges(orders, None, None, clock, dead_letters=letters, ttl_ms=1)
    base = await served(scrape=gauges)
    assert _samples(await _text(http, base))[("zbsync_dead_letter_queue_messages", ())] == 4

    letters.depth, orders.counts = None, {"synced": 5}
    clock.advance(1)
    samples = _samples(await _text(http, base))

    assert samples[("zbsync_dead_letter_queue_messages", ())] == 4  # the value read last
    assert samples[("zbsync_orders", (("state", "synced"),))] == 5  # the database still read


async def test_apps_built_again_in_one_process_serve_the_same_registry(
    served: Served, http: aiohttp.ClientSession
) -> None:
    first = await served(scrape=ScrapeGauges(CountingOrders({"synced": 1}), None, None))
    second = await served(scrape=ScrapeGauges(CountingOrders({"synced": 2}), None, None))
    assert _samples(await _text(http, first))[("zbsync_orders", (("state", "synced"),))] == 1
    assert _samples(await _text(http, second))[("zbsync_orders", (("state", "synced"),))] == 2
