"""The words the console shows for stored values (English; ``messages`` translates them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

STATE_LABELS = {
    "received": "Received",
    "pending": "Pending",
    "syncing": "Syncing",
    "synced": "Synced",
    "locked": "Locked in Zoho",
    "deleted": "Deleted",
    "failed": "Failed",
    "needs_attention": "Needs attention",
}
SOURCE_LABELS = {
    "console": "Set in the console",
    "environment": "Set by the environment",
    "default": "Default",
}
ACTION_LABELS = {"generate": "Generate requested", "delete": "Delete requested"}


def audit_line(entry: Mapping[str, Any], t: Callable[..., str]) -> str:
    """One audit entry as a sentence."""
    kind = entry.get("kind")
    if kind == "event":
        return t(
            "Event {type}, revision {revision}: {outcome}",
            type=entry.get("type"),
            revision=entry.get("revision") if entry.get("revision") is not None else "—",
            outcome=t(str(entry.get("outcome"))),
        )
    if kind == "step":
        return t("Step {step}: {result}", step=entry.get("step"), result=entry.get("result"))
    if kind == "outcome":
        state = t(STATE_LABELS.get(str(entry.get("state")), str(entry.get("state"))))
        reason = entry.get("reason") or entry.get("error")
        return t("Result: {state}", state=state) + (f" — {reason}" if reason else "")
    if kind == "manual":
        action = str(entry.get("action"))
        return t(ACTION_LABELS.get(action, action))
    return str(kind)
