"""When the stored Zoho connection counts as usable for ``/readyz``, and the report's shape."""

from __future__ import annotations

from worker.domain.connection import StoredConnection
from worker.domain.readiness import BROKEN, NOT_CONNECTED, report, zoho_connection_problem

NOW = 1_800_000_000_000
CONNECTED = StoredConnection(
    data_center="com",
    client_id="client",
    refresh_token="refresh",
    access_token="access",
    access_expires_at_ms=NOW + 3_600_000,
)


def test_a_connected_connection_is_usable() -> None:
    assert zoho_connection_problem(CONNECTED, NOW) is None


def test_an_expired_access_token_alone_is_usable_the_next_call_mints() -> None:
    expired = CONNECTED.replace(access_token=None, access_expires_at_ms=0)
    assert zoho_connection_problem(expired, NOW) is None


def test_nothing_connected_is_not_usable() -> None:
    assert zoho_connection_problem(None, NOW) == NOT_CONNECTED


def test_a_broken_connection_is_not_usable_and_zohos_words_are_not_repeated() -> None:
    broken = CONNECTED.replace(status="broken", broken_reason="invalid_code for client xyz")
    assert zoho_connection_problem(broken, NOW) == BROKEN


def test_minting_paused_without_a_valid_token_is_not_usable_until_the_pause_ends() -> None:
    denied = CONNECTED.replace(access_expires_at_ms=NOW - 1, denied_until_ms=NOW + 600_000)
    problem = zoho_connection_problem(denied, NOW)
    assert problem is not None
    assert problem.startswith("token minting paused until 2027-01-15T08:")
    assert zoho_connection_problem(denied, NOW + 600_000) is None


def test_minting_paused_while_the_access_token_is_still_valid_is_usable() -> None:
    denied = CONNECTED.replace(denied_until_ms=NOW + 600_000)
    assert zoho_connection_problem(denied, NOW) is None


def test_the_report_is_ready_only_when_every_check_passes() -> None:
    assert report({"broker": None, "database": None}) == (
        True,
        {"broker": {"ok": True}, "database": {"ok": True}},
    )
    assert report({"broker": None, "database": "down"}) == (
        False,
        {"broker": {"ok": True}, "database": {"ok": False, "reason": "down"}},
    )
