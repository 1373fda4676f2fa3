"""JSON text with every ``Decimal`` written as an exact JSON number (``json`` cannot)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

_DECIMAL = re.compile(r'"__decimal__([^"]+)__"')


def encode(payload: object) -> bytes:
    """JSON with each ``Decimal`` as an exact number."""
    text = json.dumps(payload, default=_marked, ensure_ascii=False)
    return _DECIMAL.sub(r"\1", text).encode()


def _marked(value: object) -> str:
    if isinstance(value, Decimal):
        return f"__decimal__{value}__"
    raise TypeError(f"cannot encode {type(value).__name__}")
