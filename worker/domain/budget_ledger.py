"""The rules of one organization's shared request budget, as pure state transitions.

No I/O here: a store (``worker/store/budget.py``, behind the
``worker.zoho.ports.BudgetStore`` port) loads a :class:`BudgetState`, applies
one of these functions and writes the result back by compare-and-swap, so every
replica sees the same rules applied to the same state.

The guarantee: a grant at time ``t`` is refused while ``requests_per_window``
stamps are newer than ``t - window_ms``. Stamps never go backwards (a grant is
stamped ``max(now, newest stamp)``), so pruning old stamps loses nothing, and
any window of ``window_ms`` holds at most ``requests_per_window`` grants: take
the last one committed in it; every earlier one in the window was newer than
its cut-off when it was checked.

Lanes below LIVE may use only a share of the window and of the day
(:data:`LANE_SHARE`), so another replica's manual and live work keeps headroom
when a backfill runs somewhere.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from .lanes import AUTOMATIC_LANES, Lane

# Share of the window and of the daily cap a lane may fill (the rest is headroom
# for higher lanes on any replica).
LANE_SHARE = {Lane.MANUAL: 1.0, Lane.LIVE: 1.0, Lane.RECONCILER: 0.8, Lane.BACKFILL: 0.6}


@dataclass(frozen=True)
class BudgetLimits:
    """What one organization may spend; shared by every replica."""

    requests_per_window: int = 90  # ZBSYNC_ZOHO_REQUESTS_PER_MINUTE
    window_ms: int = 60_000  # scaled down in tests
    daily_limit: int = 1000  # setting, else the plan's, else 1000
    day_ms: int = 86_400_000  # day index = now_ms // day_ms (UTC calendar day by default)
    max_concurrency: int = 5  # ZBSYNC_ZOHO_MAX_CONCURRENCY
    slot_ttl_ms: int = 120_000  # a crashed holder's in-flight slot frees itself (``slot_ttl``)
    probe_interval_ms: int = 3_600_000  # after code 45, automatic lanes probe this often
    backoff_ms: int = 1_000  # mean jittered back-off after code 1070

    def window_cap(self, lane: Lane) -> int:
        """Grants in one window the lane may bring the total up to."""
        return max(1, math.floor(self.requests_per_window * LANE_SHARE[lane]))

    def daily_cap(self, lane: Lane) -> int:
        """Grants in one day the lane may bring the total up to."""
        return max(1, math.floor(self.daily_limit * LANE_SHARE[lane]))


def slot_ttl(request_timeout_ms: int, margin_ms: int = 5_000) -> int:
    """How long a slot is held if never released: the request's time limit and a margin (the
    write just before the send). A SIGKILLed replica's slots free themselves this soon, where
    a fixed two minutes kept every replica at the concurrency cap that long."""
    return request_timeout_ms + margin_ms


@dataclass(frozen=True)
class Holder:
    """An in-flight slot: who holds it and when it frees itself if never released."""

    holder_id: str
    owner: str
    expires_ms: int


@dataclass(frozen=True)
class BudgetState:
    """One organization's shared budget as stored."""

    stamps: tuple[int, ...] = ()  # grant times, oldest first, newer than the window's start
    day: int = 0  # day index the counter belongs to
    day_count: int = 0
    holders: tuple[Holder, ...] = ()
    blocked_until_ms: int = 0  # code 44: nobody asks before this
    paused_until_ms: int | None = None  # code 45: automatic lanes wait for the next probe


@dataclass(frozen=True)
class Ask:
    """A request for one slot."""

    holder_id: str
    owner: str
    lane: Lane
    now_ms: int
    limits: BudgetLimits


@dataclass(frozen=True)
class Granted:
    """A slot: counted at ``at_ms``; ``probe`` when it tests whether a code-45 pause is over."""

    at_ms: int
    probe: bool = False


Reason = Literal["window", "concurrency", "blocked", "daily", "paused"]


@dataclass(frozen=True)
class Refused:
    """No slot now; ``retry_at_ms`` is when the reason can first have gone."""

    reason: Reason
    retry_at_ms: int


@dataclass(frozen=True)
class BudgetUsage:
    """What is spent right now, for metrics ("budget left")."""

    in_window: int
    today: int
    in_flight: int
    limits: BudgetLimits

    @property
    def window_left(self) -> int:
        """Requests still allowed in the current window."""
        return max(0, self.limits.requests_per_window - self.in_window)

    @property
    def day_left(self) -> int:
        """Requests still allowed today."""
        return max(0, self.limits.daily_limit - self.today)


def current(state: BudgetState, now_ms: int, limits: BudgetLimits) -> BudgetState:
    """The state at ``now_ms``: old stamps and expired holders dropped, the day rolled over."""
    cutoff = now_ms - limits.window_ms
    day = now_ms // limits.day_ms
    return dataclasses.replace(
        state,
        stamps=tuple(s for s in state.stamps if s > cutoff),
        holders=tuple(h for h in state.holders if h.expires_ms > now_ms),
        day=max(day, state.day),
        day_count=state.day_count if day <= state.day else 0,
    )


def grant(state: BudgetState, ask: Ask) -> tuple[BudgetState | None, Granted | Refused]:
    """Take a slot if every limit allows it; the new state, or None when nothing changes."""
    now = max(ask.now_ms, state.stamps[-1] if state.stamps else ask.now_ms)
    live = current(state, now, ask.limits)
    probe = live.paused_until_ms is not None and ask.lane in AUTOMATIC_LANES
    refusal = _refusal(live, ask, now, probe)
    if refusal is not None:
        return None, refusal
    limits = ask.limits
    taken = dataclasses.replace(
        live,
        stamps=(*live.stamps, now),
        day_count=live.day_count + 1,
        holders=(*live.holders, Holder(ask.holder_id, ask.owner, now + limits.slot_ttl_ms)),
        paused_until_ms=now + limits.probe_interval_ms if probe else live.paused_until_ms,
    )
    return taken, Granted(at_ms=now, probe=probe)


def _refusal(live: BudgetState, ask: Ask, now: int, probe: bool) -> Refused | None:
    limits, lane = ask.limits, ask.lane
    if now < live.blocked_until_ms:
        return Refused("blocked", live.blocked_until_ms)
    if probe and live.paused_until_ms is not None and now < live.paused_until_ms:
        return Refused("paused", live.paused_until_ms)
    if live.day_count >= limits.daily_cap(lane):
        return Refused("daily", (live.day + 1) * limits.day_ms)
    cap = limits.window_cap(lane)
    if len(live.stamps) >= cap:
        return Refused("window", live.stamps[len(live.stamps) - cap] + limits.window_ms)
    if len(live.holders) >= limits.max_concurrency:
        return Refused("concurrency", min(h.expires_ms for h in live.holders))
    return None


def release(
    state: BudgetState, holder_ids: Collection[str], *, probe_succeeded: bool
) -> BudgetState | None:
    """Give slots back (and end a code-45 pause if one was a successful probe)."""
    holders = tuple(h for h in state.holders if h.holder_id not in holder_ids)
    resume = probe_succeeded and state.paused_until_ms is not None
    if len(holders) == len(state.holders) and not resume:
        return None
    paused = None if resume else state.paused_until_ms
    return dataclasses.replace(state, holders=holders, paused_until_ms=paused)


def release_and_grant(
    state: BudgetState, ask: Ask, releasing: Collection[str]
) -> tuple[BudgetState | None, Granted | Refused]:
    """Give ``releasing`` back and ask for a slot, in one write (or none if nothing changes)."""
    freed = release(state, releasing, probe_succeeded=False) if releasing else None
    changed, outcome = grant(freed or state, ask)
    return changed or freed, outcome


def hold_off(state: BudgetState, until_ms: int) -> BudgetState | None:
    """Code 44: nobody on any replica asks Zoho before ``until_ms``."""
    if until_ms <= state.blocked_until_ms:
        return None
    return dataclasses.replace(state, blocked_until_ms=until_ms)


def pause(state: BudgetState, until_ms: int) -> BudgetState:
    """Code 45: automatic lanes stop until ``until_ms``, when one of them probes."""
    return dataclasses.replace(state, paused_until_ms=until_ms)


def usage(state: BudgetState, now_ms: int, limits: BudgetLimits) -> BudgetUsage:
    """Counts at ``now_ms``."""
    live = current(state, now_ms, limits)
    return BudgetUsage(len(live.stamps), live.day_count, len(live.holders), limits)
