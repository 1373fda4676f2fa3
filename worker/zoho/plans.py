"""Zoho Books plans and their daily API limits (zoho-books-api.md §5)."""

from __future__ import annotations

PLAN_DAILY_LIMITS = {
    "free": 1000,
    "standard": 2000,
    "professional": 5000,
    "premium": 10000,
    "elite": 10000,
    "ultimate": 10000,
}
FALLBACK_DAILY_LIMIT = 1000


def daily_limit(configured: int | None, plan_name: str | None) -> int:
    """The daily cap in force: the setting, else the plan's, else 1000."""
    if configured is not None:
        return configured
    return PLAN_DAILY_LIMITS.get((plan_name or "").strip().lower(), FALLBACK_DAILY_LIMIT)
