"""Per-organization limits: requests per minute (44), per day (45) and in progress (1070)."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.sandbox_client import BooksClient, Response, SandboxClient
from zoho_sandbox import SandboxConfig


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Small limits so tests reach them quickly."""
    return SandboxConfig(
        requests_per_minute=5, daily_limit=12, max_concurrency=2, access_token_ttl=10**6
    )


async def _codes(books: BooksClient, times: int) -> list[int | None]:
    return [(await books.call("GET", "/settings/taxes")).code for _ in range(times)]


async def _advance(client: SandboxClient, seconds: float) -> None:
    assert (await client.control("POST", "/clock", {"advance": seconds})).status == 200


async def test_exactly_the_minute_budget_passes_then_429_code_44(
    client: SandboxClient, books: BooksClient
) -> None:
    assert await _codes(books, 5) == [0] * 5
    refused = await books.call("GET", "/settings/taxes")
    assert (refused.status, refused.code) == (429, 44)
    assert "maximum number of requests per minute" in refused.body["message"]
    await _advance(client, 60)
    assert await _codes(books, 5) == [0] * 5
    counters = (await client.control("GET", "/state")).body["counters"]
    assert counters["429.44"] == 1


async def test_refused_requests_do_not_use_the_budget(
    client: SandboxClient, books: BooksClient
) -> None:
    await _codes(books, 5)
    await _advance(client, 30)
    assert await _codes(books, 3) == [44] * 3
    await _advance(client, 31)  # the first five have left the window; the refused never entered
    assert await _codes(books, 5) == [0] * 5


async def test_unauthenticated_requests_do_not_use_the_budget(
    client: SandboxClient, books: BooksClient
) -> None:
    for _ in range(6):
        assert (await client.request("GET", "/books/v3/settings/taxes")).code == 14
    assert await _codes(books, 5) == [0] * 5


async def test_the_daily_cap_is_429_code_45_until_the_day_has_passed(
    client: SandboxClient, books: BooksClient
) -> None:
    for _ in range(2):
        assert await _codes(books, 5) == [0] * 5
        await _advance(client, 60)
    assert await _codes(books, 2) == [0] * 2
    refused = await books.call("GET", "/settings/taxes")
    assert (refused.status, refused.code) == (429, 45)
    assert refused.body["message"] == (
        "The API call for this organization has exceeded the maximum call rate limit of 12."
    )
    await _advance(client, 3600)
    assert await _codes(books, 1) == [45]
    await _advance(client, 86400)
    assert await _codes(books, 1) == [0]
    assert (await client.control("GET", "/state")).body["counters"]["429.45"] == 2


async def test_the_daily_cap_changes_at_run_time(client: SandboxClient, books: BooksClient) -> None:
    assert (await client.control("PATCH", "/config", {"daily_limit": 2})).status == 200
    assert await _codes(books, 3) == [0, 0, 45]


async def test_requests_beyond_the_concurrency_limit_get_429_code_1070(
    client: SandboxClient, books: BooksClient
) -> None:
    hold = {"request_class": "taxes.list", "mode": "latency", "seconds": 3600}
    assert (await client.control("POST", "/faults", hold)).status == 201
    calls = [asyncio.ensure_future(books.call("GET", "/settings/taxes")) for _ in range(5)]
    refused = await _first_finished(calls, 3)
    assert [(r.status, r.code) for r in refused] == [(429, 1070)] * 3
    limits = (await client.control("GET", "/state")).body["limits"]
    assert limits[books.organization_id]["in_progress"] == 2
    await _advance(client, 3600)  # ends the latency of the two held requests
    held = await asyncio.gather(*(c for c in calls if not c.done()))
    assert [(r.status, r.code) for r in held] == [(200, 0)] * 2
    counters = (await client.control("GET", "/state")).body["counters"]
    assert counters["429.1070"] == 3


async def _first_finished(calls: list[asyncio.Task[Response]], count: int) -> list[Response]:
    """The first ``count`` calls to finish, waiting on completion rather than on time."""
    finished: list[Response] = []
    pending = set(calls)
    while len(finished) < count:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        finished.extend(task.result() for task in done)
    return finished


async def test_limits_change_at_run_time(client: SandboxClient, books: BooksClient) -> None:
    await _codes(books, 5)
    await client.control("PATCH", "/config", {"requests_per_minute": 7})
    assert await _codes(books, 3) == [0, 0, 44]
