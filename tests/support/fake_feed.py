"""A scripted shop order feed on a loopback port, for the feed client's tests (SPEC §6).

Page ``n`` (1-based) is asked for with ``cursor=p{n}`` (page 1 without a cursor) and answers
``{"orders": pages[n-1], "next_cursor": "p{n+1}" or null}``. ``Decimal`` values in an element
are written as JSON numbers with every digit. Failures are switched per page: a status, a raw
body, a page that never answers; ``loop`` makes the last page hand back its own cursor. Every
request is recorded with its query and ``Authorization`` header.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.exact_json import encode

__all__ = ["FakeFeed", "FeedRequest", "encode", "serving_feed"]


@dataclass(frozen=True)
class FeedRequest:
    """One request the feed received."""

    query: tuple[tuple[str, str], ...]
    authorization: str | None
    path_qs: str  # the path and query as sent, to check what travelled in the URL

    def param(self, name: str) -> str | None:
        """The first value of a query parameter."""
        return next((value for key, value in self.query if key == name), None)


@dataclass
class FakeFeed:
    """The script: pages of elements and per-page failures; the requests it saw."""

    pages: list[list[object]] = field(default_factory=lambda: [[]])
    status: dict[int, int] = field(default_factory=dict)  # page -> HTTP status
    raw: dict[int, bytes] = field(default_factory=dict)  # page -> body served as is
    hang: int | None = None  # this page never answers (until the server stops)
    loop: bool = False
    requests: list[FeedRequest] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)


FEED = web.AppKey("feed", FakeFeed)


async def _orders(request: web.Request) -> web.Response:
    feed = request.app[FEED]
    feed.requests.append(
        FeedRequest(
            query=tuple(request.query.items()),
            authorization=request.headers.get("Authorization"),
            path_qs=request.raw_path,
        )
    )
    cursor = request.query.get("cursor")
    number = int(cursor.removeprefix("p")) if cursor else 1
    if number == feed.hang:
        await feed.release.wait()
    if number in feed.status:  # a careless server echoes what it was sent
        text = f"failed; you sent {request.headers.get('Authorization')}"
        return web.Response(status=feed.status[number], text=text)
    if number in feed.raw:
        return web.Response(body=feed.raw[number], content_type="application/json")
    return web.Response(body=encode(_page(feed, number, cursor)), content_type="application/json")


def _page(feed: FakeFeed, number: int, cursor: str | None) -> dict[str, object]:
    last = number >= len(feed.pages)
    next_cursor = (cursor or "p1") if feed.loop else None
    return {
        "orders": feed.pages[number - 1] if number <= len(feed.pages) else [],
        "next_cursor": next_cursor if last else f"p{number + 1}",
    }


@contextlib.asynccontextmanager
async def serving_feed(feed: FakeFeed) -> AsyncIterator[str]:
    """Serve ``feed`` on a free loopback port; yields the feed URL (with a query of its own)."""
    app = web.Application()
    app[FEED] = feed
    app.router.add_get("/shop/orders", _orders)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}/shop/orders?shop=main"
    finally:
        feed.release.set()
        await runner.cleanup()
