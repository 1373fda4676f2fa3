"""A clock for tests with many tasks: time moves only when the test says so.

``sleep`` parks the caller until ``advance`` reaches its deadline, so a test
steps over a window instead of waiting through it. ``sleeping`` lets a test wait
(on an event, not on time) until some task has gone to sleep on the clock.
"""

from __future__ import annotations

import asyncio
import math


class ManualClock:
    """``now_ms`` is fixed until ``advance``; sleepers wake when their deadline is reached."""

    def __init__(self, start_ms: int = 1_800_000_000_000) -> None:
        self._now_ms = start_ms
        self._sleepers: list[tuple[int, asyncio.Future[None]]] = []
        self._changed = asyncio.Event()

    def now_ms(self) -> int:
        """The current fake time."""
        return self._now_ms

    def advance(self, ms: int) -> None:
        """Move time forward and wake every sleeper whose deadline has come."""
        self._now_ms += ms
        for deadline, future in list(self._sleepers):
            if deadline <= self._now_ms and not future.done():
                future.set_result(None)

    async def sleep(self, seconds: float) -> None:
        """Wait until the test advances the clock by ``seconds`` (rounded up to a millisecond)."""
        deadline = self._now_ms + math.ceil(seconds * 1000)
        if deadline <= self._now_ms:
            await asyncio.sleep(0)
            return
        entry = (deadline, asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)
        self._changed.set()
        try:
            await entry[1]
        finally:
            self._sleepers.remove(entry)

    def deadlines(self) -> list[int]:
        """When each current sleeper wakes, soonest first."""
        return sorted(deadline for deadline, future in self._sleepers if not future.done())

    async def sleeping(self) -> list[int]:
        """Wait until at least one task sleeps on this clock; the deadlines then."""
        while not self.deadlines():
            self._changed.clear()
            await self._changed.wait()
        return self.deadlines()
