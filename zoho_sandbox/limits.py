"""Zoho Books' per-organization limits: requests per minute, per day, and in progress (§5).

What counts: every Books request that passed authentication and the
``organization_id`` check is recorded in the minute and day windows when it is
admitted, whatever its outcome afterwards (a 4xx from the handler or an
injected fault still used Zoho's quota). Requests refused here with a 429 are
not recorded, so a client that backs off is not punished twice. Requests
refused earlier (401, bad organization) never reach the limits, and neither
does ``GET /organizations`` sent without an ``organization_id`` (no org to charge).

Checked in this order: daily cap (429/45), per-minute cap (429/44), requests in
progress (429/1070). Both windows slide and read the sandbox clock, so a test
steps over a window with ``POST /_sandbox/clock {"advance": ...}``. Limits are
read from the config on every request, so runtime changes apply at once.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

from .config import SandboxConfig
from .envelope import ZohoError

PER_MINUTE_MESSAGE = (
    "Your organization has been blocked as it have exceeded the maximum number of "
    "requests per minute that can originate from an organization."
)
DAILY_MESSAGE = "The API call for this organization has exceeded the maximum call rate limit of"
IN_PROGRESS_MESSAGE = (
    "You have reached the maximum number of in process requests allowed. "
    "Kindly try again after some time."
)


def per_minute_refusal() -> ZohoError:
    """Zoho's 429 with code 44 (also what a ``rate_limit_storm`` fault sends)."""
    return ZohoError(429, 44, PER_MINUTE_MESSAGE)


@dataclass
class OrgUsage:
    """One organization's admitted requests (sandbox times) and requests in progress."""

    minute: deque[float] = field(default_factory=deque)
    day: deque[float] = field(default_factory=deque)
    in_progress: int = 0


def _recent(times: deque[float], now: float, window: float) -> int:
    while times and times[0] <= now - window:
        times.popleft()
    return len(times)


class Limits:
    """Usage of every organization seen so far."""

    def __init__(self) -> None:
        self.orgs: dict[str, OrgUsage] = {}

    def clear(self) -> None:
        """Forget all usage (the control API's reset); requests in progress finish unaffected."""
        self.orgs.clear()

    @contextmanager
    def admitted(
        self, config: SandboxConfig, now: float, org_id: str, counters: Counter[str]
    ) -> Iterator[None]:
        """Hold a slot for one request, or raise (and count) the 429 Zoho would send."""
        usage = self.orgs.setdefault(org_id, OrgUsage())
        refusal = self._refusal(config, now, usage)
        if refusal is not None:
            counters[f"429.{refusal.code}"] += 1
            raise refusal
        usage.minute.append(now)
        usage.day.append(now)
        usage.in_progress += 1
        try:
            yield
        finally:
            usage.in_progress -= 1

    @staticmethod
    def _refusal(config: SandboxConfig, now: float, usage: OrgUsage) -> ZohoError | None:
        daily = config.effective_daily_limit()
        if _recent(usage.day, now, config.day_window) >= daily:
            return ZohoError(429, 45, f"{DAILY_MESSAGE} {daily}.")
        if _recent(usage.minute, now, config.minute_window) >= config.requests_per_minute:
            return per_minute_refusal()
        if usage.in_progress >= config.effective_max_concurrency():
            return ZohoError(429, 1070, IN_PROGRESS_MESSAGE)
        return None

    def summary(self, config: SandboxConfig, now: float) -> dict[str, dict[str, int]]:
        """Per organization: requests in the current minute and day windows, and in progress."""
        return {
            org_id: {
                "minute": _recent(u.minute, now, config.minute_window),
                "day": _recent(u.day, now, config.day_window),
                "in_progress": u.in_progress,
            }
            for org_id, u in self.orgs.items()
        }


LIMITS = web.AppKey("limits", Limits)
