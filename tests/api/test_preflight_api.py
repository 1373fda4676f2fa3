"""``GET /api/preflight``: the preflight's problems over HTTP, each with its fix."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api.conftest import ADMIN_TOKEN, Api
from tests.support.sync_harness import Harness
from worker.api import ApiServices, build_app, serve
from worker.domain.preflight import PreflightFacts, Problem, preflight
from worker.sync.manual import ManualActions

NOT_CONNECTED = PreflightFacts(connection=None, configured_data_center="eu", organization_id=None)


async def _not_connected() -> list[Problem]:
    return preflight(NOT_CONNECTED)


@pytest.fixture
async def checked(harness: Harness) -> AsyncIterator[Api]:
    """The API with a preflight that finds Zoho not connected."""
    manual = ManualActions(harness.orders, harness.audit, harness.service, harness.clock)
    parts = ApiServices(harness.orders, harness.audit, manual, None, preflight=_not_connected)
    runner = await serve(build_app(parts, ADMIN_TOKEN), "127.0.0.1", 0, grace_seconds=5)
    host, port = runner.addresses[0][:2]
    try:
        yield Api(f"http://{host}:{port}", harness.http, harness)
    finally:
        await runner.cleanup()


async def test_each_problem_comes_with_its_fix(checked: Api) -> None:
    status, body = await checked.call("GET", "/api/preflight")

    assert status == 200
    assert body["ok"] is False
    assert [p["code"] for p in body["problems"]] == ["not_connected"]
    assert body["problems"][0]["fix"]


async def test_the_preflight_needs_the_token(checked: Api) -> None:
    status, body = await checked.call("GET", "/api/preflight", headers={})

    assert status == 401
    assert body["error"]["code"]


async def test_a_process_without_a_preflight_says_so(api: Api) -> None:
    status, body = await api.call("GET", "/api/preflight")

    assert status == 503
    assert body["error"]["code"] == "preflight_unavailable"
