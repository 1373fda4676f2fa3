"""A clock for single-task tests: starts where you say, moves only when told or when slept on."""

from __future__ import annotations

import asyncio


class SteppingClock:
    """``now_ms`` is fixed until ``advance``; ``sleep`` advances by the time slept and yields."""

    def __init__(self, start_ms: int = 1_800_000_000_000) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> int:
        """The current fake time."""
        return self._now_ms

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self._now_ms += round(seconds * 1000)

    async def sleep(self, seconds: float) -> None:
        """Let others run, then be ``seconds`` later."""
        self.advance(seconds)
        await asyncio.sleep(0)
