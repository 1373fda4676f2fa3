"""scripts/check_constraints.py: the environment must hold exactly what constraints.txt pins.

The script runs as ``make test`` runs it, against this environment, with constraints files
written here from what is really installed, then spoiled one package at a time.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
SCRIPT = CHECKOUT / "scripts" / "check_constraints.py"
LEFT_OUT = {"pip", "setuptools", "wheel", "zoho-books-sync"}


def _installed() -> dict[str, str]:
    dists = metadata.distributions()
    names = {re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower(): dist.version for dist in dists}
    return {name: version for name, version in names.items() if name not in LEFT_OUT}


def _check(tmp_path: Path, pins: dict[str, str]) -> subprocess.CompletedProcess[str]:
    constraints = tmp_path / "constraints.txt"
    lines = ["# a header", *(f"{name}=={version}" for name, version in sorted(pins.items()))]
    constraints.write_text("\n".join(lines) + "\n")
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--constraints", str(constraints)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_exactly_what_is_installed_passes(tmp_path: Path) -> None:
    done = _check(tmp_path, _installed())

    assert (done.returncode, done.stderr) == (0, "")


def test_an_installed_package_without_a_pin_is_named(tmp_path: Path) -> None:
    pins = _installed()
    del pins["stamina"]

    done = _check(tmp_path, pins)

    assert done.returncode == 1
    assert f"stamina {metadata.version('stamina')} is installed but not pinned" in done.stderr


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        ({"tenacity": "0.0.1"}, "tenacity {have} is installed but constraints.txt pins 0.0.1"),
        ({"not-a-real-package": "1.0"}, "not-a-real-package is pinned to 1.0"),
    ],
)
def test_a_pin_that_differs_is_named(tmp_path: Path, spoil: dict[str, str], expected: str) -> None:
    done = _check(tmp_path, _installed() | spoil)

    assert done.returncode == 1
    assert expected.format(have=metadata.version("tenacity")) in done.stderr
