"""A clock for tests that run real tasks: real time plus an offset the test moves forward.

Background work (lease renewals, pollers) sleeps in real time as in production,
while the test can jump over a wait (the list-lag wait, a lease expiry) at once.
"""

from __future__ import annotations

import asyncio
import time


class ShiftedClock:
    """The machine's time, ``advance``-d by the test."""

    def __init__(self) -> None:
        self._offset_ms = 0

    def now_ms(self) -> int:
        """Real milliseconds since the epoch plus every advance so far."""
        return time.time_ns() // 1_000_000 + self._offset_ms

    def advance(self, ms: int) -> None:
        """Jump forward."""
        self._offset_ms += ms

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of real time."""
        await asyncio.sleep(seconds)
