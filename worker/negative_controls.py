"""Test-only switches that break exactly-once on purpose: the chaos suite's negative controls.

``chaos/`` (docs/chaos.md) sets one to prove its checker catches what it breaks:

- ``ZBSYNC_TEST_SKIP_LOOKUP=1``: a create whose outcome was unknown is sent again without
  looking the invoice up in Zoho first, so an applied-but-unanswered create becomes a
  duplicate;
- ``ZBSYNC_TEST_ACK_BEFORE_STORE=1``: the consumer acknowledges a parsed event before storing
  it, so a replica that dies (or cannot store) after the acknowledgement loses the event.

Inert unless set; any value but ``1`` is refused (``validate`` at start). Never set them in
production.
"""

from __future__ import annotations

import os

SKIP_LOOKUP_ENV = "ZBSYNC_TEST_SKIP_LOOKUP"
ACK_BEFORE_STORE_ENV = "ZBSYNC_TEST_ACK_BEFORE_STORE"


def skip_lookup() -> bool:
    """Whether the lookup after an unknown create outcome is to be skipped."""
    return _flag(SKIP_LOOKUP_ENV)


def ack_before_store() -> bool:
    """Whether events are acknowledged before they are stored."""
    return _flag(ACK_BEFORE_STORE_ENV)


def validate() -> None:
    """Refuse a switch set to anything but ``1`` (``zbsync run`` calls it at start)."""
    skip_lookup()
    ack_before_store()


def _flag(name: str) -> bool:
    value = os.environ.get(name)
    if value is None:
        return False
    if value != "1":
        raise ValueError(f"{name}: test-only switch, set it to 1 or leave it unset; got {value!r}")
    return True
