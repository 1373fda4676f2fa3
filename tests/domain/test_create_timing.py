"""The create path's timing rules (``worker.domain.create_timing``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from worker.domain.create_timing import (
    lookup_ready_at_ms,
    may_send,
    request_timeout_ms,
    unknown_since_takeover_ms,
)

ms = st.integers(min_value=0, max_value=10**13)
span = st.integers(min_value=0, max_value=10**7)


@given(sent=ms, after=span, lag=span, timeout=span)
def test_a_lookup_waits_the_lag_from_the_lost_answer_and_the_timeout_from_sending(
    sent: int, after: int, lag: int, timeout: int
) -> None:
    unknown_at = sent + after
    ready = lookup_ready_at_ms(
        sent_ms=sent, unknown_at_ms=unknown_at, list_lag_wait_ms=lag, request_timeout_ms=timeout
    )
    assert ready >= unknown_at + lag
    assert ready >= sent + timeout
    assert ready in (unknown_at + lag, sent + timeout)


def test_a_takeover_counts_from_the_previous_lease_expiry() -> None:
    since = unknown_since_takeover_ms(
        sent_ms=1_000, previous_lease_until_ms=31_000, request_timeout_ms=15_000
    )
    assert since == 31_000


def test_a_released_lease_still_leaves_the_request_its_timeout() -> None:
    since = unknown_since_takeover_ms(
        sent_ms=1_000, previous_lease_until_ms=0, request_timeout_ms=15_000
    )
    assert since == 16_000


@given(ttl=st.integers(min_value=2, max_value=10**7))
def test_a_freshly_extended_lease_outlasts_the_request(ttl: int) -> None:
    timeout = request_timeout_ms(ttl)
    assert may_send(now_ms=0, lease_until_ms=ttl, request_timeout_ms=timeout)
    assert timeout <= 20_000


def test_a_lease_about_to_expire_lets_nothing_leave() -> None:
    assert not may_send(now_ms=10_000, lease_until_ms=24_000, request_timeout_ms=15_000)
