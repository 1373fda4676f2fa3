"""Test-only switch that breaks exactly-once on purpose (``ZBSYNC_TEST_SKIP_LOOKUP=1``).

A negative control for the chaos suite (``chaos/``, docs/chaos.md): with it set,
a create whose outcome was unknown is sent again without looking the invoice up
in Zoho first, so an applied-but-unanswered create becomes a duplicate. The
suite's checker must catch that, which proves it can. Inert unless set; never
set it in production.
"""

from __future__ import annotations

import os

SKIP_LOOKUP_ENV = "ZBSYNC_TEST_SKIP_LOOKUP"


def skip_lookup() -> bool:
    """Whether the lookup after an unknown create outcome is to be skipped (test-only)."""
    return _flag(SKIP_LOOKUP_ENV)


def _flag(name: str) -> bool:
    value = os.environ.get(name)
    if value is None:
        return False
    if value != "1":
        raise ValueError(f"{name}: test-only switch, set it to 1 or leave it unset; got {value!r}")
    return True
