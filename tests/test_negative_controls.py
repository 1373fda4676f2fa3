"""The chaos suite's test-only switches are inert unless set to 1, and refuse any other value."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from worker.negative_controls import (
    ACK_BEFORE_STORE_ENV,
    SKIP_LOOKUP_ENV,
    ack_before_store,
    skip_lookup,
)

SWITCHES = pytest.mark.parametrize(
    ("env", "switch"), [(SKIP_LOOKUP_ENV, skip_lookup), (ACK_BEFORE_STORE_ENV, ack_before_store)]
)


@SWITCHES
def test_unset_it_is_inert(
    monkeypatch: pytest.MonkeyPatch, env: str, switch: Callable[[], bool]
) -> None:
    monkeypatch.delenv(env, raising=False)
    assert switch() is False


@SWITCHES
def test_set_to_1_it_is_on(
    monkeypatch: pytest.MonkeyPatch, env: str, switch: Callable[[], bool]
) -> None:
    monkeypatch.setenv(env, "1")
    assert switch() is True


@SWITCHES
@pytest.mark.parametrize("value", ["0", "yes", ""])
def test_any_other_value_is_refused(
    monkeypatch: pytest.MonkeyPatch, env: str, switch: Callable[[], bool], value: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=env):
        switch()
