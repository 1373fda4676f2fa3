"""How writing an order's record can fail: raised by the order store, handled by the sync."""

from __future__ import annotations


class WriteContention(Exception):
    """An order's document could not be written: it changes faster than read, or is damaged."""


class LeaseLost(Exception):
    """Another replica holds the order now; stop working on it."""
