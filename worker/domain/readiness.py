"""Readiness (``GET /readyz``): when the Zoho connection counts as usable, and the report.

Pure rules; ``worker.api.readiness`` runs the checks and ``worker.bootstrap.readiness``
wires them to the broker, the database and the stored connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from .connection import StoredConnection
from .token_rules import usable_token

NOT_CONNECTED = "not connected: connect Zoho in the console"
BROKEN = "connection broken: Zoho refused the refresh token; reconnect in the console"


# unreadable: the stored token cannot be decrypted with ZBSYNC_SECRET_KEY (told by the store)
CONNECTION_STATES = (
    "connected",
    "not_connected",
    "broken",
    "refresh_failing",
    "minting_paused",
    "unreadable",
)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def connection_state(connection: StoredConnection | None, now_ms: int) -> str:
    """One of ``CONNECTION_STATES``: only ``connected`` can serve Zoho calls now.

    With a usable access token (unexpired, not refused by Zoho) the connection serves, whatever
    a refresh attempt met. Without one:

    ``refresh_failing``: token calls have failed on Zoho's side (Accounts down, 5xx, timeout,
    unreachable) and none has minted since. It holds through the short pauses between
    attempts and after them, until a mint succeeds: the next attempt would likely fail too.

    ``minting_paused``: Zoho answered "Access Denied" and the lock-out has not ended.

    Otherwise (say the token merely expired) the next call mints: ``connected``.
    """
    if connection is None:
        return "not_connected"
    if connection.status == "broken":
        return "broken"
    if usable_token(connection, now_ms, rejected=None):
        return "connected"
    if connection.refresh_failing_since_ms:
        return "refresh_failing"
    if connection.denied_until_ms > now_ms:
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
    if state == "refresh_failing":
        assert connection is not None
        return (
            f"token refresh failing since {_iso(connection.refresh_failing_since_ms)} "
            "(Zoho Accounts unavailable or unreachable) and no usable access token"
        )
    if state == "minting_paused":
        assert connection is not None
        return (
            f"token minting paused until {_iso(connection.denied_until_ms)} "
            "and no usable access token"
        )
    return None


def report(problems: Mapping[str, str | None]) -> tuple[bool, dict[str, dict[str, object]]]:
    """Ready when no check has a problem; each check as ``{"ok": ...}`` with its reason."""
    checks: dict[str, dict[str, object]] = {}
    for name, problem in problems.items():
        checks[name] = {"ok": True} if problem is None else {"ok": False, "reason": problem}
    return all(problem is None for problem in problems.values()), checks
