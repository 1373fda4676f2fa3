"""``GET /metrics``: prometheus-client's text exposition of the process registry (no auth).

Before answering, the gauges read from MongoDB are brought up to date by the refresh
bootstrap wires (``worker.bootstrap.scrape``; it caches, so a scrape storm costs the
database one read per cache period). Like ``/healthz`` it needs no token: keep the port
off the public internet (docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder

Refresh = Callable[[], Awaitable[None]]
SCRAPE: web.AppKey[Refresh] = web.AppKey("scrape")  # sets the gauges read at scrape time


async def metrics(request: web.Request) -> web.Response:
    """The metrics of this process: Prometheus' text format 0.0.4, or OpenMetrics when the
    scraper's ``Accept`` asks for it (prometheus-client's negotiation)."""
    refresh = request.app.get(SCRAPE)
    if refresh is not None:
        await refresh()
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return web.Response(body=encode(REGISTRY), headers={"Content-Type": content_type})
