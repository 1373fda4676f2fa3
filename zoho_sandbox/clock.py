"""Sandbox time: real time scaled, plus an offset tests can advance.

Every window the sandbox measures (a minute, ten minutes, a day, a token's
life, the list lag) is read from this clock, so a test can step over a window
with ``advance`` instead of sleeping through it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


class SandboxClock:
    """Monotonic sandbox seconds: ``scale`` per real second, plus whatever was advanced."""

    def __init__(self, scale: float = 1.0) -> None:
        self._origin = time.monotonic()
        self._base = 0.0
        self._scale = scale
        self._wall_origin = datetime.now(UTC)

    @property
    def scale(self) -> float:
        """Sandbox seconds per real second."""
        return self._scale

    def now(self) -> float:
        """Sandbox seconds since the clock started."""
        return self._base + (time.monotonic() - self._origin) * self._scale

    def rescale(self, scale: float) -> None:
        """Change the speed from now on without jumping."""
        self._base = self.now()
        self._origin = time.monotonic()
        self._scale = scale

    def advance(self, seconds: float) -> None:
        """Jump forward, as if ``seconds`` of sandbox time had passed."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._base += seconds

    def wall(self) -> datetime:
        """The sandbox's idea of the current UTC time (for created_time and invoice dates)."""
        return datetime.fromtimestamp(self._wall_origin.timestamp() + self.now(), UTC)

    def real_seconds(self, sandbox_seconds: float) -> float:
        """How long ``sandbox_seconds`` last in real time (for injected latency)."""
        return sandbox_seconds / self._scale
