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


# unreadable: the stored token cannot be decrypted with ZBSYNC_SECRET_KEY (told by the store)
CONNECTION_STATES = ("connected", "not_connected", "broken", "minting_paused", "unreadable")


def connection_state(connection: StoredConnection | None, now_ms: int) -> str:
    """One of ``CONNECTION_STATES``: only ``connected`` can serve Zoho calls now.

    ``minting_paused``: token minting is paused ("Access Denied", or a token call that just
    failed) and no valid access token is left to call with.
    """
    if connection is None:
        return "not_connected"
    if connection.status == "broken":
        return "broken"
    if connection.denied_until_ms > now_ms and not is_valid(connection, now_ms):
        return "minting_paused"
    return "connected"


def zoho_connection_problem(connection: StoredConnection | None, now_ms: int) -> str | None:
    """Why the stored connection cannot serve Zoho calls now; None when it can.

    The broken reason Zoho gave is not repeated here: ``/readyz`` answers without
    authentication (``GET /api/connection`` shows it).
    """
    state = connection_state(connection, now_ms)
    if state == "not_connected":
        return NOT_CONNECTED
    if state == "broken":
        return BROKEN
    if state == "minting_paused":
        assert connection is not None
        until = datetime.fromtimestamp(connection.denied_until_ms / 1000, UTC)
        return f"token minting paused until {until.isoformat()} and no valid access token"
    return None


def report(problems: Mapping[str, str | None]) -> tuple[bool, dict[str, dict[str, object]]]:
    """Ready when no check has a problem; each check as ``{"ok": ...}`` with its reason."""
    checks: dict[str, dict[str, object]] = {}
    for name, problem in problems.items():
        checks[name] = {"ok": True} if problem is None else {"ok": False, "reason": problem}
    return all(problem is None for problem in problems.values()), checks
