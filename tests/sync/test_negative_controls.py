"""The test-only skip-lookup switch is inert unless set to 1, and refuses any other value."""

from __future__ import annotations

import pytest

from worker.sync.negative_controls import SKIP_LOOKUP_ENV, skip_lookup


def test_unset_it_is_inert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SKIP_LOOKUP_ENV, raising=False)
    assert skip_lookup() is False


def test_set_to_1_it_skips_the_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SKIP_LOOKUP_ENV, "1")
    assert skip_lookup() is True


@pytest.mark.parametrize("value", ["0", "yes", ""])
def test_any_other_value_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(SKIP_LOOKUP_ENV, value)
    with pytest.raises(ValueError, match=SKIP_LOOKUP_ENV):
        skip_lookup()
