"""The forms of absence shops send, and helpers to blank a field and find it named."""

from __future__ import annotations

import copy
import re
from typing import Any

MISSING = object()  # the key left out altogether
BLANKS: dict[str, object] = {
    "missing": MISSING,
    "null": None,
    "empty": "",
    "spaces": "   ",
    "tab-newline": "\t\n",
    "no-break-space": "\u00a0",
    "empty-object": {},
    "empty-list": [],
    "object-of-blanks": {"a": "", "b": None},
    "list-of-blanks": [None, ""],
}


def with_value(data: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """A copy of ``data`` with the field at dotted ``path`` set to ``value`` (or removed)."""
    copied = copy.deepcopy(data)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = copied
    for part in parents:
        node = node[part]
    if value is MISSING:
        del node[last]
    else:
        node[last] = copy.deepcopy(value)
    return copied


def names(detail: str, path: str) -> bool:
    """Whether a rejection detail names the field at ``path`` (or a field inside it)."""
    return re.search(rf"(^|; ){re.escape(path)}[.:]", detail) is not None
