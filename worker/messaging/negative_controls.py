"""Test-only switch that loses events on purpose (``ZBSYNC_TEST_ACK_BEFORE_STORE=1``).

A negative control for the chaos suite (``chaos/``, docs/chaos.md): with it set,
the consumer acknowledges a parsed event before storing it, so a replica that
dies (or cannot store) after the acknowledgement loses the event. The suite's
checker must catch the lost order, which proves it can. Inert unless set; never
set it in production.
"""

from __future__ import annotations

import os

ACK_BEFORE_STORE_ENV = "ZBSYNC_TEST_ACK_BEFORE_STORE"


def ack_before_store() -> bool:
    """Whether events are acknowledged before they are stored (test-only)."""
    value = os.environ.get(ACK_BEFORE_STORE_ENV)
    if value is None:
        return False
    if value != "1":
        raise ValueError(
            f"{ACK_BEFORE_STORE_ENV}: test-only switch, set it to 1 or leave it unset; "
            f"got {value!r}"
        )
    return True
