"""When the stored Zoho connection counts as usable for ``/readyz``, and the report's shape."""

from __future__ import annotations

from worker.domain.connection import StoredConnection
from worker.domain.readiness import (
    BROKEN,
    CONNECTION_STATES,
    NOT_CONNECTED,
    connection_state,
    report,
    zoho_connection_problem,
)
from worker.domain.token_rules import token_fingerprint

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


# After a token call that failed on Zoho's side (Accounts down): the TokenManager's record.
FAILED_AT = NOW - 1_000
PAUSED_UNTIL = FAILED_AT + 5_000
# Samples from inside the 5 s pause to long after it: a state must not change across them.
LATER = (NOW, PAUSED_UNTIL - 1, PAUSED_UNTIL, PAUSED_UNTIL + 1, NOW + 600_000)


def _refresh_failed(connection: StoredConnection, **changes: object) -> StoredConnection:
    return connection.replace(
        refresh_failing_since_ms=FAILED_AT, denied_until_ms=PAUSED_UNTIL, **changes
    )


def test_a_refused_token_whose_refresh_failed_is_not_usable_though_its_clock_says_valid() -> None:
    refused = _refresh_failed(CONNECTED, rejected_token_hash=token_fingerprint("access"))
    for now in LATER:
        assert now < refused.access_expires_at_ms
        assert connection_state(refused, now) == "refresh_failing"
    problem = zoho_connection_problem(refused, NOW)
    assert problem is not None
    assert problem.startswith("token refresh failing since 2027-01-15T07:59:59+00:00 (")
    assert token_fingerprint("access") not in problem


def test_an_expired_token_whose_refresh_failed_stays_unusable_after_the_pause_ends() -> None:
    expired = _refresh_failed(CONNECTED.replace(access_expires_at_ms=NOW - 60_000))
    assert [connection_state(expired, now) for now in LATER] == ["refresh_failing"] * len(LATER)


def test_a_failed_early_refresh_leaves_a_still_good_token_usable() -> None:
    early = _refresh_failed(CONNECTED)
    for now in LATER[:-1]:
        assert zoho_connection_problem(early, now) is None
    # ... until that token expires with no mint since.
    assert connection_state(early, CONNECTED.access_expires_at_ms) == "refresh_failing"


def test_a_refusal_recorded_for_an_older_token_does_not_count_against_the_stored_one() -> None:
    older = _refresh_failed(CONNECTED, rejected_token_hash=token_fingerprint("older"))
    assert connection_state(older, NOW) == "connected"


def test_a_minted_token_makes_the_connection_usable_again() -> None:
    refused = _refresh_failed(CONNECTED, rejected_token_hash=token_fingerprint("access"))
    minted = refused.replace(
        access_token="minted",
        access_expires_at_ms=NOW + 3_600_000,
        refresh_failing_since_ms=0,
        rejected_token_hash=None,
    )
    assert zoho_connection_problem(minted, NOW) is None


def test_access_denied_after_failed_refreshes_is_a_lock_out_not_an_outage() -> None:
    denied = CONNECTED.replace(
        access_expires_at_ms=NOW - 1,
        denied_until_ms=NOW + 600_000,
        rejected_token_hash=token_fingerprint("access"),
    )
    assert connection_state(denied, NOW) == "minting_paused"
    refused = CONNECTED.replace(
        denied_until_ms=NOW + 600_000, rejected_token_hash=token_fingerprint("access")
    )
    assert connection_state(refused, NOW) == "minting_paused"


def test_every_state_is_one_of_the_published_ones() -> None:
    refused = _refresh_failed(CONNECTED, rejected_token_hash=token_fingerprint("access"))
    seen = {
        connection_state(c, NOW)
        for c in (None, CONNECTED, refused, CONNECTED.replace(status="broken"))
    }
    assert seen <= set(CONNECTION_STATES)


def test_the_report_is_ready_only_when_every_check_passes() -> None:
    assert report({"broker": None, "database": None}) == (
        True,
        {"broker": {"ok": True}, "database": {"ok": True}},
    )
    assert report({"broker": None, "database": "down"}) == (
        False,
        {"broker": {"ok": True}, "database": {"ok": False, "reason": "down"}},
    )
