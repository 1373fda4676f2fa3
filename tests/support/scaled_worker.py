"""``zbsync run`` with the Zoho budget's one-minute window scaled down, for end-to-end tests.

Run as ``python -m tests.support.scaled_worker`` with the worker's usual
``ZBSYNC_*`` environment plus ``ZBSYNC_TEST_BUDGET_WINDOW_MS``. Everything is
the product's ``zbsync run``; only the budget handed to ``run_worker`` (the
seam the benchmarks use) counts ``ZBSYNC_ZOHO_REQUESTS_PER_MINUTE`` requests per
that window instead of per real minute, so a test can saturate the budget, and
sit out a 429's hold-off, in seconds (SPEC §11: windows are scaled in tests).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys

from worker.app import run_worker
from worker.bootstrap.zoho_client import budget_limits
from worker.config import Settings, load_settings
from worker.domain.budget_ledger import BudgetLimits
from worker.logs import configure_logging

WINDOW_ENV = "ZBSYNC_TEST_BUDGET_WINDOW_MS"


def scaled_limits(settings: Settings, window_ms: int) -> BudgetLimits:
    """The budget ``zbsync run`` builds from ``settings``, with a ``window_ms`` window."""
    return dataclasses.replace(budget_limits(settings), window_ms=window_ms)


def main() -> int:
    """``zbsync run`` with the scaled budget."""
    settings = load_settings()
    configure_logging(settings.log_format)
    window_ms = int(os.environ[WINDOW_ENV])
    return asyncio.run(run_worker(settings, budget=scaled_limits(settings, window_ms)))


if __name__ == "__main__":
    sys.exit(main())
