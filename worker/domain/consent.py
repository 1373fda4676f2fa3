"""A pending consent: the single-use ``state`` of one authorization request (SPEC §7)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentState:
    """Issued by ``/oauth/connect`` or ``zbsync connect``; taken once by the callback."""

    state: str
    data_center: str
    expires_at_ms: int
    browser_bound: bool  # True: the callback must carry the same state in the admin's cookie
    scopes: tuple[str, ...] | None = None  # what the authorization request asked for

    def expired(self, now_ms: int) -> bool:
        """Past its expiry (a state is good for a few minutes)."""
        return now_ms >= self.expires_at_ms
