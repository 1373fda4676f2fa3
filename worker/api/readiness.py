"""``GET /readyz``: readiness with JSON detail (no auth), from the checks bootstrap wires.

Every check runs at each request, all at once, each cut off after ``CHECK_TIMEOUT_S``: a
hung dependency makes the replica not ready instead of hanging the probe. A check that
raises fails with the exception's type only (its message might carry a host or a URI).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

import structlog
from aiohttp import web

from ..domain.readiness import report

log = structlog.get_logger(__name__)
CHECK_TIMEOUT_S = 2.0

Check = Callable[[], Awaitable[str | None]]  # None: passes; else why not
Checks = Mapping[str, Check]
READINESS: web.AppKey[Checks] = web.AppKey("readiness")  # name → check (bootstrap.readiness)
NOT_CONFIGURED = "readiness checks not configured"


async def run_checks(
    checks: Checks, timeout_s: float = CHECK_TIMEOUT_S
) -> tuple[bool, dict[str, dict[str, object]]]:
    """Ready or not, and each check's result (see ``worker.domain.readiness.report``)."""
    names = list(checks)
    problems = await asyncio.gather(*(_problem(name, checks[name], timeout_s) for name in names))
    return report(dict(zip(names, problems, strict=True)))


async def _problem(name: str, check: Check, timeout_s: float) -> str | None:
    try:
        async with asyncio.timeout(timeout_s):
            return await check()
    except TimeoutError:
        return f"no answer within {timeout_s:g} s"
    except Exception as exc:  # any failure of a check is a reason not to be ready
        log.warning("readiness check failed", check=name, error=type(exc).__name__)
        return f"check failed: {type(exc).__name__}"


async def readyz(request: web.Request) -> web.Response:
    """200 ``{"ready": true, "checks": {...}}`` when every check passes, else 503 with
    ``"ready": false`` and each failing check's reason."""
    checks = request.app.get(READINESS)
    if checks is None:
        body = {"ready": False, "checks": {}, "reason": NOT_CONFIGURED}
        return web.json_response(body, status=503)
    ready, results = await run_checks(checks)
    return web.json_response({"ready": ready, "checks": results}, status=200 if ready else 503)
