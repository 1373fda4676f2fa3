"""The budget's guarantees, checked on a history of grants (epoch ms stamps)."""

from __future__ import annotations

from collections import Counter

from worker.domain.budget_ledger import BudgetLimits


def busiest_window(stamps: list[int], window_ms: int) -> int:
    """The most grants inside any half-open window ``(a - window_ms, a]``."""
    ordered, best, first = sorted(stamps), 0, 0
    for last, stamp in enumerate(ordered):
        while ordered[first] <= stamp - window_ms:
            first += 1
        best = max(best, last - first + 1)
    return best


def busiest_day(stamps: list[int], day_ms: int) -> int:
    """The most grants on any one day index."""
    return max(Counter(s // day_ms for s in stamps).values(), default=0)


def assert_within_limits(stamps: list[int], limits: BudgetLimits) -> None:
    """No window over ``requests_per_window``, no day over ``daily_limit``."""
    assert busiest_window(stamps, limits.window_ms) <= limits.requests_per_window
    assert busiest_day(stamps, limits.day_ms) <= limits.daily_limit
