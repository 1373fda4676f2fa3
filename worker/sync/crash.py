"""Test-only crash points on the create path (``ZBSYNC_TEST_CRASH_AT=<step>``; inert unless set).

A process told to crash at a step kills itself there with SIGKILL, so crash
tests are exact: no shutdown code runs, nothing is flushed, leases stay held.
"""

from __future__ import annotations

import os
import signal
from types import SimpleNamespace

import aiohttp

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


def trace_configs() -> list[aiohttp.TraceConfig]:
    """For ``after_create_sent``: die once an invoice create's body has left the process."""
    if requested() != "after_create_sent":
        return []

    async def on_chunk_sent(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestChunkSentParams,
    ) -> None:
        if params.method == "POST" and params.url.path.endswith("/invoices"):
            crash_point("after_create_sent")

    config = aiohttp.TraceConfig()
    config.on_request_chunk_sent.append(on_chunk_sent)
    return [config]
