"""JSON for Zoho: money leaves as numbers (Zoho's schemas type rates as numbers) without drift.

A ``Decimal`` is written as a JSON number only when that number reads back as
the same value — true for every amount with up to 15 significant digits —
and refused otherwise, so an amount is never silently rounded on the wire.
Answers are read with ``Decimal`` for every non-integer number.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


class InexactAmount(ValueError):
    """A decimal that a JSON number cannot carry exactly."""


def _number(value: object) -> object:
    if isinstance(value, Decimal):
        as_float = float(value)
        if not value.is_finite() or Decimal(repr(as_float)) != value:
            raise InexactAmount(f"{value} cannot be sent to Zoho exactly")
        return as_float
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(payload: object) -> str:
    """Encode a request body."""
    return json.dumps(payload, default=_number, ensure_ascii=False, separators=(",", ":"))


def loads_object(text: str) -> dict[str, Any] | None:
    """Decode a response body that should be a JSON object; None if it is not one."""
    try:
        value = json.loads(text, parse_float=Decimal) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
