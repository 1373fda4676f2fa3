"""Every Zoho call waits for budget instead of meeting a 429.

One budget per organization, shared by all replicas through MongoDB
(the ``BudgetStore`` port; the rules are in ``worker.domain.budget_ledger``): at most
``requests_per_window`` grants in any sliding window, ``daily_limit`` a day and
``max_concurrency`` in flight. A request counts when its slot is granted::

    async with budget.slot(Lane.LIVE):
        response = await http_call()
        if code == 45:  # inside the block, so an hourly probe is not taken for a success
            await budget.note_rate_limited(45)
    if code in (44, 1070):  # outside, so no slot is held while backing off
        await budget.note_rate_limited(code)

Inside one process only the head waiter (lowest :class:`Lane`, then oldest)
asks for budget; see ``budget_queue``. Waits are computed (until the oldest
stamp leaves the window, until a block ends) or, for the concurrency cap,
polled with a short back-off that a local release cuts short. RECONCILER and
BACKFILL may fill only 80 % / 60 % of the window and the day (``LANE_SHARE``),
leaving headroom for manual and live work on any replica. A process's releases
ride along with its head's next grant (``budget_release``): one writer per process.

Zoho refusing anyway: 44 holds every replica off for a window; 1070 backs this
caller off briefly; 45 gives automatic lanes ``DailyLimitReached`` until an
hourly probe (one automatic slot) comes back without a 45. MANUAL may still try.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import structlog

from ..clock import Clock
from ..domain.budget_ledger import Ask, BudgetLimits, BudgetUsage, Granted, Refused
from ..domain.lanes import Lane
from .budget_queue import LaneQueue, Ticket
from .budget_release import ReleaseBatcher
from .errors import DailyLimitReached
from .ports import BudgetStore

log = structlog.get_logger(__name__)
MIN_POLL_MS = 10
MAX_POLL_MS = 100


@dataclass
class _Held:
    """The slot the current task holds."""

    holder_id: str
    probe: bool
    rate_limited: bool = False


_HELD: contextvars.ContextVar[_Held | None] = contextvars.ContextVar(
    "zoho_budget_slot", default=None
)


class RequestBudget:
    """This process's door to one organization's shared request budget."""

    def __init__(
        self,
        repository: BudgetStore,
        organization_id: str,
        limits: BudgetLimits,
        clock: Clock,
        owner: str,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self._repository = repository
        self._organization_id = organization_id
        self._limits = limits
        self._clock = clock
        self._owner = owner
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self._queue = LaneQueue()
        self._releases = ReleaseBatcher(repository, organization_id)

    @property
    def limits(self) -> BudgetLimits:
        """The limits in force in this process."""
        return self._limits

    @property
    def waiting(self) -> int:
        """Callers of this process waiting for a slot."""
        return len(self._queue)

    def slot(self, lane: Lane) -> contextlib.AbstractAsyncContextManager[None]:
        """Wait for this process's turn and for the shared budget; hold a slot for the block."""
        return self._slot(lane)

    @contextlib.asynccontextmanager
    async def _slot(self, lane: Lane) -> AsyncIterator[None]:
        held = await self._acquire(lane)
        token = _HELD.set(held)
        completed = False
        try:
            yield
            completed = True
        finally:
            _HELD.reset(token)
            succeeded = held.probe and completed and not held.rate_limited
            await asyncio.shield(self._release(held.holder_id, probe_succeeded=succeeded))

    async def _release(self, holder_id: str, *, probe_succeeded: bool) -> None:
        # Never raises: a failed release must not replace the call's own result or error.
        # The ledger forgets a holder that was never released once its slot expires.
        try:
            if probe_succeeded:
                await self._repository.release(
                    self._organization_id, {holder_id}, probe_succeeded=True
                )
            else:
                await self._releases.release(holder_id)
        except Exception as exc:
            log.warning("budget slot not released", holder=holder_id, error=repr(exc))
        finally:
            self._queue.nudge()

    async def _acquire(self, lane: Lane) -> _Held:
        ticket = self._queue.join(lane)
        try:
            return await self._compete(ticket, lane)
        finally:
            self._queue.leave(ticket)

    async def _compete(self, ticket: Ticket, lane: Lane) -> _Held:
        polls = 0
        while True:
            await self._queue.my_turn(ticket)
            holder_id = f"{self._owner}:{uuid.uuid4().hex[:12]}"
            ask = Ask(holder_id, self._owner, lane, self._clock.now_ms(), self._limits)
            async with self._releases.carrying() as releasing:
                outcome = await self._repository.acquire(self._organization_id, ask, releasing)
            if isinstance(outcome, Granted):
                return _Held(holder_id, outcome.probe)
            _raise_if_final(outcome)
            polls = polls + 1 if outcome.reason == "concurrency" else 0
            if self._queue.is_head(ticket):
                await self._queue.nap(self._clock, self._wait_seconds(outcome, polls))

    def _wait_seconds(self, refused: Refused, polls: int) -> float:
        wait_ms = max(0, refused.retry_at_ms - self._clock.now_ms())
        if refused.reason == "concurrency":
            # Another replica may release any moment; nobody tells us, so look again soon.
            wait_ms = min(wait_ms, MIN_POLL_MS << min(polls - 1, 8), MAX_POLL_MS)
        return wait_ms / 1000

    async def note_rate_limited(self, code: int) -> None:
        """Zoho answered 429 anyway: react to its code (44, 45 or 1070) as the module says."""
        now = self._clock.now_ms()
        if code == 44:
            await self._repository.hold_off(self._organization_id, now + self._limits.window_ms)
        elif code == 45:
            held = _HELD.get()
            if held is not None:
                held.rate_limited = True
            until = now + self._limits.probe_interval_ms
            await self._repository.pause(self._organization_id, until)
        elif code == 1070:
            jitter = self._rng.uniform(0.5, 1.5)
            await self._clock.sleep(self._limits.backoff_ms * jitter / 1000)
        else:
            raise ValueError(f"not a Zoho rate-limit code: {code}")

    def set_daily_limit(self, limit: int) -> None:
        """Use ``limit`` requests a day from now on (once the plan is known)."""
        self._limits = dataclasses.replace(self._limits, daily_limit=limit)

    async def usage(self) -> BudgetUsage:
        """Requests used in the current window, today and in flight, for metrics."""
        return await self._repository.usage(
            self._organization_id, self._clock.now_ms(), self._limits
        )


def _raise_if_final(refused: Refused) -> None:
    if refused.reason == "daily":
        raise DailyLimitReached(
            "the daily Zoho API budget is spent", retry_at_ms=refused.retry_at_ms
        )
    if refused.reason == "paused":
        raise DailyLimitReached(
            "Zoho reported its daily limit; automatic calls wait for the next probe",
            code=45,
            retry_at_ms=refused.retry_at_ms,
        )
