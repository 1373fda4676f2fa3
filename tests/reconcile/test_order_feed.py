"""The order feed client against a scripted feed over real HTTP on loopback (SPEC §6)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from tests.support.fake_feed import FakeFeed, encode, serving_feed
from tests.support.orders import order_data
from worker.reconcile.feed import MAX_PROBLEMS, FeedError, FeedResult, OrderFeed

TOKEN = SecretStr("feed-token-s3cr3t")
SINCE = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session, closed afterwards."""
    async with aiohttp.ClientSession() as session:
        yield session


async def read(
    http: aiohttp.ClientSession, feed: FakeFeed, token: SecretStr | None = TOKEN, **options: Any
) -> FeedResult:
    """Serve ``feed`` and walk it once."""
    async with serving_feed(feed) as url:
        return await OrderFeed(http, url, token, **options).paid_since(SINCE)


async def failure(
    http: aiohttp.ClientSession, feed: FakeFeed, **options: Any
) -> pytest.ExceptionInfo[FeedError]:
    """Walk ``feed`` expecting ``FeedError``; its message never carries the token."""
    with pytest.raises(FeedError) as caught:
        await read(http, feed, **options)
    assert TOKEN.get_secret_value() not in str(caught.value)
    assert "127.0.0.1" not in str(caught.value)
    return caught


async def test_follows_every_page_to_the_end(http: aiohttp.ClientSession) -> None:
    feed = FakeFeed(pages=[[order_data("1"), order_data("2")], [order_data("3")], []])

    result = await read(http, feed)

    assert [order.id for order in result.orders] == ["1", "2", "3"]
    assert (result.pages, result.invalid, result.problems) == (3, 0, ())
    assert [request.param("cursor") for request in feed.requests] == [None, "p2", "p3"]


async def test_sends_paid_since_as_rfc3339_utc_and_keeps_the_urls_query(
    http: aiohttp.ClientSession,
) -> None:
    feed = FakeFeed(pages=[[], []])
    rome = timezone(timedelta(hours=1))
    async with serving_feed(feed) as url:
        await OrderFeed(http, url, None).paid_since(datetime(2026, 11, 20, 9, 30, 15, 999, rome))

    for request in feed.requests:
        assert request.param("paid_since") == "2026-11-20T08:30:15Z"
        assert request.param("shop") == "main"
    assert "paid_since=2026-11-20T08:30:15Z" in feed.requests[0].path_qs


async def test_sends_the_bearer_token_in_the_header_only(http: aiohttp.ClientSession) -> None:
    feed = FakeFeed(pages=[[order_data("1")], [order_data("2")]])

    await read(http, feed)

    assert [request.authorization for request in feed.requests] == [
        f"Bearer {TOKEN.get_secret_value()}"
    ] * 2
    assert all(TOKEN.get_secret_value() not in request.path_qs for request in feed.requests)


async def test_sends_no_authorization_without_a_token(http: aiohttp.ClientSession) -> None:
    feed = FakeFeed(pages=[[order_data("1")]])

    await read(http, feed, token=None)

    assert feed.requests[0].authorization is None


async def test_counts_skips_and_describes_invalid_elements(http: aiohttp.ClientSession) -> None:
    no_lines = order_data("9", lines=[])
    feed = FakeFeed(pages=[[order_data("1"), 42], [no_lines, order_data("2"), "x"]])

    result = await read(http, feed)

    assert [order.id for order in result.orders] == ["1", "2"]
    assert result.invalid == 3
    assert result.problems[0] == "page 1 item 1: not a JSON object (int)"
    assert result.problems[1].startswith("page 2 item 0: order '9': lines:")
    assert result.problems[2] == "page 2 item 2: not a JSON object (str)"


async def test_keeps_at_most_twenty_problems_but_counts_them_all(
    http: aiohttp.ClientSession,
) -> None:
    feed = FakeFeed(pages=[[{"id": str(n)} for n in range(30)]])

    result = await read(http, feed)

    assert (result.invalid, len(result.problems)) == (30, MAX_PROBLEMS)


async def test_amounts_stay_exact(http: aiohttp.ClientSession) -> None:
    line = {"name": "Tea", "quantity": 1, "unit_price": Decimal("0.1"), "tax_rate": 22}
    big = order_data("1", total=Decimal("12345678.901"), lines=[line])
    assert b'"total": 12345678.901' in encode(big)  # a JSON number on the wire, not a string
    feed = FakeFeed(pages=[[big]])

    (order,) = (await read(http, feed)).orders

    assert order.total == Decimal("12345678.901")
    assert str(order.lines[0].unit_price) == "0.1"
    assert order.lines[0].tax_rate == Decimal(22)


async def test_an_empty_feed_and_an_absent_cursor_end_the_walk(
    http: aiohttp.ClientSession,
) -> None:
    feed = FakeFeed(raw={1: b'{"orders": []}'})

    result = await read(http, feed)

    assert result == FeedResult(orders=(), invalid=0, pages=1, problems=())


@pytest.mark.parametrize("status", [500, 404, 401, 302])
async def test_a_non_2xx_page_raises(http: aiohttp.ClientSession, status: int) -> None:
    feed = FakeFeed(pages=[[order_data("1")], [order_data("2")]], status={2: status})

    caught = await failure(http, feed)

    assert str(caught.value) == f"order feed page 2: HTTP {status}"


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Bad gateway</html>",
        b"",
        b"[]",
        b'{"orders": {}}',
        b'{"items": []}',
        b'{"orders": [], "next_cursor": 5}',
        b'{"orders": [], "next_cursor": "p2"',
        b'{"orders": ["\xff"]}',
    ],
)
async def test_a_body_that_is_not_the_expected_object_raises(
    http: aiohttp.ClientSession, body: bytes
) -> None:
    feed = FakeFeed(pages=[[order_data("1")], []], raw={2: body})

    caught = await failure(http, feed)

    assert str(caught.value).startswith("order feed page 2: ")


async def test_an_unreachable_feed_raises(http: aiohttp.ClientSession) -> None:
    async with serving_feed(FakeFeed()) as url:
        pass  # the port is closed once the server stops

    with pytest.raises(FeedError, match="page 1: no answer") as caught:
        await OrderFeed(http, url, TOKEN).paid_since(SINCE)
    assert TOKEN.get_secret_value() not in str(caught.value)


async def test_a_page_that_never_answers_times_out(http: aiohttp.ClientSession) -> None:
    feed = FakeFeed(pages=[[order_data("1")], []], hang=2)

    caught = await failure(http, feed, timeout=aiohttp.ClientTimeout(sock_read=0.05))

    assert str(caught.value) == "order feed page 2: no answer (SocketTimeoutError)"


async def test_a_cursor_loop_stops_the_walk(http: aiohttp.ClientSession) -> None:
    feed = FakeFeed(pages=[[order_data("1")], [order_data("2")]], loop=True)

    caught = await failure(http, feed)

    assert "repeats an earlier" in str(caught.value)
    assert [request.param("cursor") for request in feed.requests] == [None, "p2"]


async def test_more_pages_than_max_pages_raises(http: aiohttp.ClientSession) -> None:
    pages: list[list[object]] = [[order_data("1")], [order_data("2")], [order_data("3")]]

    caught = await failure(http, FakeFeed(pages=pages), max_pages=2)
    exact = await read(http, FakeFeed(pages=pages), max_pages=3)

    assert str(caught.value) == "order feed has more than 2 pages"
    assert exact.pages == 3


async def test_since_must_be_timezone_aware(http: aiohttp.ClientSession) -> None:
    feed = OrderFeed(http, "http://127.0.0.1:9/orders", None)

    with pytest.raises(ValueError, match="timezone-aware"):
        await feed.paid_since(datetime(2026, 11, 20))  # noqa: DTZ001
