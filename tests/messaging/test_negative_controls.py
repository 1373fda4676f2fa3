"""The test-only ack-before-store switch is inert unless set to 1, and refuses any other value."""

from __future__ import annotations

import pytest

from worker.messaging.negative_controls import ACK_BEFORE_STORE_ENV, ack_before_store


def test_unset_it_is_inert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ACK_BEFORE_STORE_ENV, raising=False)
    assert ack_before_store() is False


def test_set_to_1_it_acknowledges_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ACK_BEFORE_STORE_ENV, "1")
    assert ack_before_store() is True


@pytest.mark.parametrize("value", ["0", "true", ""])
def test_any_other_value_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(ACK_BEFORE_STORE_ENV, value)
    with pytest.raises(ValueError, match=ACK_BEFORE_STORE_ENV):
        ack_before_store()
