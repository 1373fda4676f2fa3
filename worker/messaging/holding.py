"""Holding a message that could not be handled yet, and the waits between its attempts.

The consumer keeps such a message unacknowledged and tries again after a
capped exponential delay (1 s, 2 s, 4 s … 30 s). It gives the message back to
the queue when the consumer stops, or before the hold would run into
RabbitMQ's ``consumer_timeout`` (30 minutes by default), which would close the
channel. Times come from an injectable clock, so tests step over the delays.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ..clock import Clock

_MAX_DOUBLINGS = 32  # 2**32 times any sensible first delay is past any cap


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait between attempts, and how long a message may be held in all."""

    first_delay_s: float = 1.0
    max_delay_s: float = 30.0
    hold_limit_s: float = 25 * 60.0  # below RabbitMQ's default consumer_timeout of 30 minutes

    def __post_init__(self) -> None:
        if not 0 < self.first_delay_s <= self.max_delay_s < self.hold_limit_s:
            raise ValueError("need 0 < first_delay_s <= max_delay_s < hold_limit_s")

    def delay_s(self, attempt: int) -> float:
        """The wait after the ``attempt``-th failure (0-based)."""
        doublings: int = 2 ** min(attempt, _MAX_DOUBLINGS)
        return min(self.max_delay_s, self.first_delay_s * doublings)


class Holding:
    """One held message: how long it has been held, and the wait before its next attempt."""

    def __init__(self, policy: RetryPolicy, clock: Clock, stopping: asyncio.Event) -> None:
        self._policy = policy
        self._clock = clock
        self._stopping = stopping
        self._since_ms = clock.now_ms()
        self.failures = 0

    def remaining_s(self) -> float:
        """How much longer the message may be held."""
        held_s = (self._clock.now_ms() - self._since_ms) / 1000
        return max(0.0, self._policy.hold_limit_s - held_s)

    async def wait_to_retry(self) -> bool:
        """Wait before the next attempt; False when the message must go back to the queue now."""
        delay = self._policy.delay_s(self.failures)
        self.failures += 1
        if self._stopping.is_set() or delay >= self.remaining_s():
            return False
        sleeping = asyncio.ensure_future(self._clock.sleep(delay))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeping.cancel()
            stopping.cancel()
        return not self._stopping.is_set()
