"""Test-only crash points on the create path (``ZBSYNC_TEST_CRASH_AT=<step>``; inert unless set).

A process told to crash at a step kills itself there with SIGKILL, so crash
tests are exact: no shutdown code runs, nothing is flushed, leases stay held.
"""

from __future__ import annotations

import os
import signal

ENV = "ZBSYNC_TEST_CRASH_AT"
STEPS = frozenset(
    {
        "before_intent",
        "after_intent",
        "after_create_sent",
        "after_create_succeeded",
        "after_state_written",
    }
)


def crash_point(step: str) -> None:
    """Die here if the environment asks for it."""
    if os.environ.get(ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def requested() -> str | None:
    """The crash step asked for, if any (validated)."""
    step = os.environ.get(ENV)
    if step is not None and step not in STEPS:
        raise ValueError(f"{ENV}: unknown step {step!r}; one of {sorted(STEPS)}")
    return step
