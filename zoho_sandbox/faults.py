"""Injected failures, per request class, so a client's tests can meet Zoho on a bad day.

Rules come from ``config.faults`` at start and from ``/_sandbox/faults`` at run
time. A request takes the first rule (in the order added) whose
``request_class`` pattern matches its class (``fnmatch``: ``invoices.*``); a
rule with ``times`` is used up after that many requests. Modes:

- ``applied_then_500``: the handler runs and its effect stays; the client gets 500/1000.
- ``applied_then_reset``: the handler runs; the connection is dropped unanswered.
- ``rejected_500``: 500/1000 without running the handler.
- ``latency``: wait ``seconds`` of sandbox time, then handle normally. The wait
  ends early when the sandbox clock is advanced past it, so a test can hold
  requests in flight and release them with ``POST /_sandbox/clock``.
- ``applied_then_latency``: the handler runs and its effect stays; the answer leaves
  ``seconds`` of sandbox time later (released the same way). A client that gives up
  meanwhile has made the change without knowing it.
- ``rate_limit_storm``: 429/44 without running the handler.

The mode applied is stored on the request (``FAULT_APPLIED``) for the call log.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from aiohttp import web

from .clock import SandboxClock
from .config import FaultRule
from .envelope import OAuthError, ZohoError
from .keys import CLOCK, CONFIG, COUNTERS
from .limits import per_minute_refusal

FAULT_APPLIED = web.RequestKey("fault_applied", str)


class ConnectionDroppedError(Exception):
    """Raised after the handler ran: the call log drops the connection instead of answering."""


def internal_error() -> ZohoError:
    """Zoho's generic 500."""
    return ZohoError(500, 1000, "Internal error")


@dataclass
class ActiveFault:
    """A rule in force, with how many more requests it hits and how many it has hit."""

    id: str
    rule: FaultRule
    remaining: int | None
    hits: int = 0

    def as_json(self) -> dict[str, Any]:
        """The rule as the control API shows it."""
        counts = {"remaining": self.remaining, "hits": self.hits}
        return {"id": self.id, **self.rule.model_dump(), **counts}


class FaultBook:
    """The rules in force, and the wake-up call for latency waits when the clock moves."""

    def __init__(self, rules: tuple[FaultRule, ...] = ()) -> None:
        self.active: list[ActiveFault] = []
        self._ids = itertools.count(1)
        self._clock_moved = asyncio.Event()
        for rule in rules:
            self.add(rule)

    def add(self, rule: FaultRule) -> ActiveFault:
        """Put a rule in force after those already there."""
        fault = ActiveFault(f"f{next(self._ids)}", rule, rule.times)
        self.active.append(fault)
        return fault

    def remove(self, fault_id: str) -> bool:
        """Take one rule out; False if there is none with that id."""
        before = len(self.active)
        self.active = [f for f in self.active if f.id != fault_id]
        return len(self.active) < before

    def replace(self, rules: tuple[FaultRule, ...]) -> None:
        """Drop every rule and put ``rules`` in force."""
        self.active.clear()
        for rule in rules:
            self.add(rule)

    def take(self, request_class: str) -> FaultRule | None:
        """The rule that hits this request, counting the hit; None if no rule matches."""
        for fault in self.active:
            if fnmatchcase(request_class, fault.rule.request_class):
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.active.remove(fault)
                return fault.rule
        return None

    def clock_moved(self) -> None:
        """Wake latency waits so they re-read the clock (after an advance or a rescale)."""
        self._clock_moved.set()
        self._clock_moved = asyncio.Event()

    async def sleep(self, clock: SandboxClock, seconds: float) -> None:
        """Wait ``seconds`` of sandbox time: real time scaled, or less if the clock is advanced."""
        deadline = clock.now() + seconds
        while (left := deadline - clock.now()) > 0:
            moved = self._clock_moved
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(moved.wait(), clock.real_seconds(left))


FAULTS = web.AppKey("faults", FaultBook)


def setup(app: web.Application) -> None:
    """Register the fault book with the rules configured at start."""
    app[FAULTS] = FaultBook(app[CONFIG].faults)


async def with_faults(request: web.Request, handler: Any) -> web.StreamResponse:
    """Run ``handler`` as the matching fault rule says (plainly when none matches)."""
    request_class = request.match_info.route.name or ""
    rule = request.app[FAULTS].take(request_class)
    if rule is None:
        response: web.StreamResponse = await handler(request)
        return response
    request[FAULT_APPLIED] = rule.mode
    request.app[COUNTERS][f"fault.{rule.mode}"] += 1
    if rule.mode == "rejected_500":
        raise internal_error()
    if rule.mode == "rate_limit_storm":
        request.app[COUNTERS]["429.44"] += 1
        raise per_minute_refusal()
    if rule.mode == "latency":
        await request.app[FAULTS].sleep(request.app[CLOCK], rule.seconds)
        return await handler(request)  # type: ignore[no-any-return]
    if rule.mode == "applied_then_latency":
        try:
            answer: web.StreamResponse = await handler(request)
        finally:  # an error answer is held as long as a success
            await request.app[FAULTS].sleep(request.app[CLOCK], rule.seconds)
        return answer
    # The handler's own answer, success or error, is discarded either way.
    with contextlib.suppress(ZohoError, OAuthError, web.HTTPException):
        await handler(request)
    if rule.mode == "applied_then_reset":
        raise ConnectionDroppedError(request_class)
    raise internal_error()
