"""Readiness (``GET /readyz``): when the Zoho connection counts as usable, and the report.

Pure rules; ``worker.api.readiness`` runs the checks and ``worker.bootstrap.readiness``
wires them to the broker, the database and the stored connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from .connection import StoredConnection
from .token_rules import is_valid

NOT_CONNECTED = "not connected: connect Zoho in the console"
BROKEN = "connection broken: Zoho refused the refresh token; reconnect in the console"


def zoho_connection_problem(connection: StoredConnection | None, now_ms: int) -> str | None:
    """Why the stored connection cannot serve Zoho calls now; None when it can.

    Unusable: nothing connected, marked broken (a dead refresh token), or token minting
    paused ("Access Denied", or a token call that just failed) while no valid access token
    is left to call with. The broken reason Zoho gave is not repeated here: ``/readyz``
    answers without authentication (``GET /api/connection`` shows it).
    """
    if connection is None:
        return NOT_CONNECTED
    if connection.status == "broken":
        return BROKEN
    if connection.denied_until_ms > now_ms and not is_valid(connection, now_ms):
        until = datetime.fromtimestamp(connection.denied_until_ms / 1000, UTC)
        return f"token minting paused until {until.isoformat()} and no valid access token"
    return None


def report(problems: Mapping[str, str | None]) -> tuple[bool, dict[str, dict[str, object]]]:
    """Ready when no check has a problem; each check as ``{"ok": ...}`` with its reason."""
    checks: dict[str, dict[str, object]] = {}
    for name, problem in problems.items():
        checks[name] = {"ok": True} if problem is None else {"ok": False, "reason": problem}
    return all(problem is None for problem in problems.values()), checks
