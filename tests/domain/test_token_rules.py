"""Token timing without MongoDB or Zoho: when a token is fresh, usable, or may be minted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from worker.domain.connection import StoredConnection
from worker.domain.token_rules import (
    TokenPolicy,
    is_fresh,
    is_valid,
    leased_by_other,
    mint_blocked_until,
    recent_mints,
    refresh_margin_ms,
    token_fingerprint,
    usable_token,
)

NOW = 1_800_000_000_000
POLICY = TokenPolicy()
HOUR_TOKEN = StoredConnection(
    "com", "client", "1000.refresh", access_token="1000.access", expires_in=3600
)


def _expiring_in(ms: int, **changes: object) -> StoredConnection:
    return HOUR_TOKEN.replace(access_expires_at_ms=NOW + ms, **changes)


def test_the_refresh_margin_is_ten_percent_of_the_lifetime_up_to_five_minutes() -> None:
    assert refresh_margin_ms(3600, POLICY) == 300_000
    assert refresh_margin_ms(600, POLICY) == 60_000


def test_a_token_is_fresh_only_while_more_than_the_margin_is_left() -> None:
    assert is_fresh(_expiring_in(300_001), NOW, POLICY, rejected=None)
    assert not is_fresh(_expiring_in(300_000), NOW, POLICY, rejected=None)


def test_a_rejected_or_missing_token_is_never_fresh_nor_usable() -> None:
    long_lived = _expiring_in(3_600_000)
    assert not is_fresh(long_lived, NOW, POLICY, rejected="1000.access")
    assert usable_token(long_lived, NOW, rejected="1000.access") is None
    missing = long_lived.replace(access_token=None)
    assert not is_fresh(missing, NOW, POLICY, rejected=None)
    assert usable_token(missing, NOW, rejected=None) is None


def test_a_token_inside_the_margin_is_still_usable_until_it_expires() -> None:
    assert usable_token(_expiring_in(1), NOW, rejected="older") == "1000.access"
    assert is_valid(_expiring_in(1), NOW)
    assert not is_valid(_expiring_in(0), NOW)
    assert usable_token(_expiring_in(0), NOW, rejected=None) is None


def test_only_another_replicas_unexpired_lease_counts() -> None:
    assert leased_by_other(HOUR_TOKEN.replace(lease_owner="b", lease_until_ms=NOW + 1), "a", NOW)
    assert not leased_by_other(HOUR_TOKEN.replace(lease_owner="b", lease_until_ms=NOW), "a", NOW)
    assert not leased_by_other(
        HOUR_TOKEN.replace(lease_owner="a", lease_until_ms=NOW + 1), "a", NOW
    )
    assert not leased_by_other(HOUR_TOKEN, "a", NOW)


def test_mints_older_than_the_window_no_longer_count() -> None:
    window = POLICY.mint_window_ms
    connection = HOUR_TOKEN.replace(mints_ms=(NOW - window, NOW - window + 1, NOW))
    assert recent_mints(connection, NOW, POLICY) == (NOW - window + 1, NOW)


def test_a_full_mint_window_blocks_until_its_oldest_attempt_leaves() -> None:
    policy = TokenPolicy(mint_limit=3, mint_window_ms=1000)
    full = HOUR_TOKEN.replace(mints_ms=(NOW - 900, NOW - 500, NOW - 100))
    assert mint_blocked_until(full, NOW, policy) == NOW + 100
    assert mint_blocked_until(full, NOW + 100, policy) is None
    assert mint_blocked_until(full.replace(mints_ms=full.mints_ms[1:]), NOW, policy) is None


def test_a_lock_out_blocks_minting_until_it_ends() -> None:
    locked = HOUR_TOKEN.replace(denied_until_ms=NOW + 5000)
    assert mint_blocked_until(locked, NOW, POLICY) == NOW + 5000
    assert mint_blocked_until(locked, NOW + 5000, POLICY) is None


@given(
    st.lists(st.integers(0, 2000), max_size=12),
    st.integers(0, 3000),
    st.integers(1, 5),
)
def test_minting_is_blocked_only_until_a_later_time_and_never_over_the_limit(
    ages: list[int], denied_in: int, limit: int
) -> None:
    policy = TokenPolicy(mint_limit=limit, mint_window_ms=1000)
    stamps = tuple(sorted(NOW - age for age in ages))
    connection = HOUR_TOKEN.replace(mints_ms=stamps, denied_until_ms=NOW - 1000 + denied_in)
    until = mint_blocked_until(connection, NOW, policy)
    if until is None:
        assert len(recent_mints(connection, NOW, policy)) < limit
    else:
        assert until > NOW


def test_a_token_recorded_as_refused_is_neither_fresh_nor_usable_however_long_it_has() -> None:
    refused = _expiring_in(3_000_000, rejected_token_hash=token_fingerprint("1000.access"))
    assert is_valid(refused, NOW)  # by the clock
    assert not is_fresh(refused, NOW, POLICY, rejected=None)
    assert usable_token(refused, NOW, rejected=None) is None


def test_a_refusal_recorded_for_another_token_does_not_touch_the_stored_one() -> None:
    other = _expiring_in(3_000_000, rejected_token_hash=token_fingerprint("1000.older"))
    assert is_fresh(other, NOW, POLICY, rejected=None)
    assert usable_token(other, NOW, rejected=None) == "1000.access"
    assert token_fingerprint("1000.access") != "1000.access"
