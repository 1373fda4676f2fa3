"""What ``zbsync status`` and ``zbsync check`` print: plain text tables for a terminal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .bootstrap.inspection import Status
from .domain.decisions import State
from .domain.preflight import Problem

STATE_ORDER = tuple(State)  # as SPEC §3 lists them


def render_status(status: Status) -> str:
    """The status as label / value rows."""
    rows: list[tuple[str, str]] = [("connection", _connection(status))]
    rows.append(("organization", status.organization_id or "none chosen"))
    if status.budget is not None:
        usage = status.budget
        rows.append(
            (
                "budget today",
                f"{usage.today} used, {usage.day_left} left "
                f"(daily limit {usage.limits.daily_limit})",
            )
        )
    rows.append(("orders", str(sum(status.orders.values()))))
    rows += [(f"  {state}", str(count)) for state, count in _by_state(status.orders)]
    rows.append(("last reconcile", _last_pass(status.last_pass)))
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(f"{label:<{width}}{value}" for label, value in rows)


def _connection(status: Status) -> str:
    text = status.connection
    if status.data_center:
        text += f" (data center {status.data_center})"
    if status.connection_detail:
        text += f": {status.connection_detail}"
    return text


def _by_state(orders: dict[str, int]) -> list[tuple[str, int]]:
    known = [(state, orders[state]) for state in STATE_ORDER if state in orders]
    return known + sorted((s, n) for s, n in orders.items() if s not in STATE_ORDER)


def _last_pass(summary: dict[str, Any] | None) -> str:
    if summary is None:
        return "never"
    started = datetime.fromtimestamp(int(summary["started_ms"]) / 1000, UTC)
    kind = "manual" if summary.get("manual") else "periodic"
    counts = ", ".join(f"{key} {summary.get(key, 0)}" for key in ("found", "synced", "failed"))
    seconds = int(summary.get("duration_ms", 0)) / 1000
    text = f"{started:%Y-%m-%d %H:%M:%S} UTC, {kind}: {counts} ({seconds:.1f} s)"
    errors = [summary[key] for key in ("feed_error", "catalog_error") if summary.get(key)]
    return text + "".join(f"; {error}" for error in errors)


def render_problems(problems: list[Problem]) -> str:
    """Each problem with its fix, or the one line that says there is none."""
    if not problems:
        return "ok: no problems found"
    blocks = [f"{p.code}: {p.message}\n  fix: {p.fix}" for p in problems]
    return "\n".join(blocks) + f"\n{len(problems)} problem{'s' if len(problems) > 1 else ''}"
