"""The shop's order feed: the orders it reports paid since a moment, page by page (SPEC §6).

``OrderFeed.paid_since`` walks ``GET {url}?paid_since=…&cursor=…`` to the last page. Anything that
means this pass cannot trust the feed (no answer, a non-2xx status, redirects included, a body
that is not the expected object, a repeated cursor, too many pages) raises ``FeedError`` naming
the page, never the URL, token or body; nothing is returned, so the watermark stays put.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from pydantic import SecretStr, ValidationError
from yarl import URL

from ..events import Order
from ..zoho.jsonio import loads_object

MAX_PROBLEMS = 20


class FeedError(Exception):
    """The feed cannot be trusted for this pass; the message carries no token, URL or body."""


@dataclass(frozen=True)
class FeedResult:
    """What one walk of the feed found: valid orders, and the skipped elements and why."""

    orders: tuple[Order, ...]
    invalid: int
    pages: int
    problems: tuple[str, ...]  # the first MAX_PROBLEMS reasons, e.g. "page 2 item 0: ..."


@dataclass
class _Walk:
    orders: list[Order] = field(default_factory=list)
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    cursors: set[str] = field(default_factory=set)

    def take(self, elements: list[Any]) -> None:
        """Keep each element that is an order; count and describe the others."""
        for index, element in enumerate(elements):
            order = _validate(element)
            if isinstance(order, Order):
                self.orders.append(order)
            else:
                self.problems.append(f"page {self.pages} item {index}: {order}")


class OrderFeed:
    """Reads the orders the shop reports paid from ``ZBSYNC_ORDER_FEED_URL``."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token: SecretStr | None,
        *,
        timeout: aiohttp.ClientTimeout | None = None,
        max_pages: int = 1000,
    ) -> None:
        if max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        self._session = session
        self._url = URL(url)
        self._token = token
        self._timeout = timeout or aiohttp.ClientTimeout(total=30, connect=10)
        self._max_pages = max_pages

    async def paid_since(self, since: datetime) -> FeedResult:
        """Every order reported paid since ``since`` (timezone-aware), or ``FeedError``."""
        if since.utcoffset() is None:
            raise ValueError("since must be timezone-aware")
        walk = _Walk()
        cursor: str | None = None
        while True:
            body = await self._page(since, cursor, walk.pages + 1)
            walk.pages += 1
            walk.take(body["orders"])
            cursor = self._next_cursor(body, walk)
            if cursor is None:
                problems = tuple(walk.problems[:MAX_PROBLEMS])
                return FeedResult(tuple(walk.orders), len(walk.problems), walk.pages, problems)

    async def _page(self, since: datetime, cursor: str | None, number: int) -> dict[str, Any]:
        try:
            async with self._session.get(
                self._page_url(since, cursor),
                headers=self._headers(),
                timeout=self._timeout,
                allow_redirects=False,  # a redirect could carry the token to another host
            ) as resp:
                status, raw = resp.status, await resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise FeedError(f"order feed page {number}: no answer ({type(exc).__name__})") from None
        if not 200 <= status < 300:
            raise FeedError(f"order feed page {number}: HTTP {status}")
        return _body(raw, number)

    def _page_url(self, since: datetime, cursor: str | None) -> URL:
        stamp = since.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        query = {"paid_since": stamp} if cursor is None else {"paid_since": stamp, "cursor": cursor}
        return self._url.update_query(query)

    def _headers(self) -> dict[str, str]:
        token = self._token
        return {} if token is None else {"Authorization": f"Bearer {token.get_secret_value()}"}

    def _next_cursor(self, body: dict[str, Any], walk: _Walk) -> str | None:
        cursor: str | None = body.get("next_cursor") or None
        if cursor is None:
            return None
        if cursor in walk.cursors:
            raise FeedError(f"order feed page {walk.pages}: next_cursor repeats an earlier one")
        if walk.pages >= self._max_pages:
            raise FeedError(f"order feed has more than {self._max_pages} pages")
        walk.cursors.add(cursor)
        return cursor


def _body(raw: bytes, number: int) -> dict[str, Any]:
    """The page as ``{"orders": [...], "next_cursor": str | null}``; money decoded as Decimal."""
    try:
        body = loads_object(raw.decode("utf-8"))
    except UnicodeDecodeError:
        body = None
    if body is None or not isinstance(body.get("orders"), list):
        raise FeedError(f"order feed page {number}: not a JSON object with an 'orders' list")
    if not isinstance(body.get("next_cursor"), str | None):
        raise FeedError(f"order feed page {number}: next_cursor is neither a string nor null")
    return body


def _validate(element: object) -> Order | str:
    """The element as an ``Order``, or a short reason it is not one (no input values)."""
    if not isinstance(element, dict):
        return f"not a JSON object ({type(element).__name__})"
    try:
        return Order.model_validate(element)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)[:3]
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return f"order {str(element.get('id', '?'))[:100]!r}: {reasons}"
