"""Check that this environment holds exactly the packages pinned in constraints.txt.

`make test` runs it with the virtual environment's Python, so a dependency added to
pyproject.toml without its pin, a pin left behind, or a version that drifted fails the test
command with one line per package. Like `pip freeze`, it leaves out pip, setuptools and wheel
(they come with the virtual environment) and the project itself.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLING = frozenset({"pip", "setuptools", "wheel", "distribute"})
REFRESH = (
    "to re-pin after changing pyproject.toml: rm -rf .venv && make install, then put "
    "`.venv/bin/pip freeze --exclude-editable` below constraints.txt's header"
)


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(path: Path) -> dict[str, str]:
    """``name==version`` lines of a constraints file by canonical name; comments ignored."""
    pins = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition("==")
        if not separator:
            raise SystemExit(f"check-constraints: {path.name}:{number}: not name==version: {line}")
        pins[canonical(name)] = version.strip()
    return pins


def installed(project: str) -> dict[str, str]:
    """Every distribution in this environment by canonical name, but the tooling and ours."""
    left_out = TOOLING | {canonical(project)}
    found = {canonical(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    return {name: version for name, version in found.items() if name not in left_out}


def mismatches(pins: dict[str, str], present: dict[str, str]) -> list[str]:
    """One line per package whose pin and installed version differ, by name."""
    lines = []
    for name in sorted(pins.keys() | present.keys()):
        want, have = pins.get(name), present.get(name)
        if want is None:
            lines.append(f"{name} {have} is installed but not pinned in constraints.txt")
        elif have is None:
            lines.append(f"{name} is pinned to {want} in constraints.txt but not installed")
        elif want != have:
            lines.append(f"{name} {have} is installed but constraints.txt pins {want}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """0 when the environment matches the pins, else 1 naming every package that differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--constraints", type=Path, default=ROOT / "constraints.txt")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)
    project = tomllib.loads(args.pyproject.read_text(encoding="utf-8"))["project"]["name"]
    problems = mismatches(pinned(args.constraints), installed(project))
    for problem in problems:
        sys.stderr.write(f"check-constraints: {problem}\n")
    if problems:
        sys.stderr.write(f"check-constraints: {REFRESH}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
