"""docs/configuration.md is generated from Settings and cannot go stale."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from worker.config import ENV_PREFIX, Settings
from worker.contract.config_docs import main, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_the_checked_in_file_is_what_settings_generate() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run `python -m worker.contract.config_docs` and commit"
    )


def test_every_setting_is_a_row_with_its_default() -> None:
    text = render()

    for name in Settings.model_fields:
        assert f"| `{ENV_PREFIX}{name.upper()}` |" in text
    assert "| `ZBSYNC_ZOHO_REQUESTS_PER_MINUTE` | `90` |" in text
    assert "One of `com`, `eu`, `in`" in text


def test_a_setting_without_a_description_stops_the_generation() -> None:
    class Undocumented(Settings):
        brand_new: int = Field(default=1)

    with pytest.raises(ValueError, match="ZBSYNC_BRAND_NEW has no description"):
        render(Undocumented)


def test_check_fails_on_a_stale_file_and_passes_once_written(tmp_path: Path) -> None:
    out = tmp_path / "configuration.md"
    out.write_text("# Configuration\n\nhand-edited\n")

    assert main(["--check", "--out", str(out)]) == 1
    assert main(["--out", str(out)]) == 0
    assert main(["--check", "--out", str(out)]) == 0
