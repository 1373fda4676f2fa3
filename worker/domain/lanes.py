"""Who is asking Zoho: the lanes every call is made in, highest priority first.

A lane decides the order in which a process's callers get the shared request
budget and how much of it they may fill (``budget_ledger.LANE_SHARE``).
"""

from __future__ import annotations

import enum


class Lane(enum.IntEnum):
    """Who is asking; a lower value is served first."""

    MANUAL = 0
    LIVE = 1
    RECONCILER = 2
    BACKFILL = 3


# Lanes no person is waiting on: they stop on Zoho's daily-limit code until an hourly probe.
AUTOMATIC_LANES = frozenset({Lane.LIVE, Lane.RECONCILER, Lane.BACKFILL})
