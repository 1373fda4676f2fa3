"""``zbsync run`` with the Zoho budget's one-minute window scaled down, for end-to-end tests.

Run as ``python -m tests.support.scaled_worker`` with the worker's usual
``ZBSYNC_*`` environment plus ``ZBSYNC_TEST_BUDGET_WINDOW_MS``. Everything is
the product's ``zbsync run``; only the budget handed to ``build_worker`` (the
seam the benchmarks use) counts ``ZBSYNC_ZOHO_REQUESTS_PER_MINUTE`` requests per
that window instead of per real minute, so a test can saturate the budget, and
sit out a 429's hold-off, in seconds (SPEC §11: windows are scaled in tests).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from worker import app
from worker.cli import main
from worker.config import Settings
from worker.domain.budget_ledger import BudgetLimits
from worker.zoho.plans import daily_limit

WINDOW_ENV = "ZBSYNC_TEST_BUDGET_WINDOW_MS"


def scaled_limits(settings: Settings, window_ms: int) -> BudgetLimits:
    """The budget ``zbsync run`` builds from ``settings``, with a ``window_ms`` window."""
    return BudgetLimits(
        requests_per_window=settings.zoho_requests_per_minute,
        window_ms=window_ms,
        daily_limit=daily_limit(settings.zoho_daily_limit, None),
        max_concurrency=settings.zoho_max_concurrency,
    )


def _install(window_ms: int) -> None:
    build = app.build_worker

    def build_worker(settings: Settings, *args: Any, **kwargs: Any) -> app.Worker:
        kwargs.setdefault("budget", scaled_limits(settings, window_ms))
        return build(settings, *args, **kwargs)

    app.build_worker = build_worker


if __name__ == "__main__":
    _install(int(os.environ[WINDOW_ENV]))
    sys.exit(main(["run"]))
