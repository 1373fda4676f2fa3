"""What a benchmark hands back: tables, targets, settings, the machine and the commit.

Every benchmark builds a ``Result``, prints it and saves it as
``bench/results/<name>.json``; ``python -m bench.render`` turns the saved files
into ``bench/RESULTS.md``. A target that is missed says so, with the gap.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

CHECKOUT = Path(__file__).resolve().parents[1]
RESULTS = CHECKOUT / "bench" / "results"
Cell = str | int | float
OUTPUT = (":!bench/results", ":!bench/RESULTS.md")


@dataclass(frozen=True)
class Table:
    """Rows of figures under a title."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]

    def text(self) -> str:
        """The table as aligned plain text."""
        cells = [self.columns, *[[_cell(c) for c in row] for row in self.rows]]  # all text
        widths = [max(len(str(row[i])) for row in cells) for i in range(len(self.columns))]
        lines = [
            "  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return f"{self.title}\n" + "\n".join(lines)

    def markdown(self) -> str:
        """The table in Markdown."""
        head = f"| {' | '.join(self.columns)} |\n|{'---|' * len(self.columns)}\n"
        body = "".join(f"| {' | '.join(_cell(c) for c in row)} |\n" for row in self.rows)
        return f"**{self.title}**\n\n{head}{body}"


@dataclass(frozen=True)
class Target:
    """A figure and the bound it should keep; ``below``: the figure should not exceed it."""

    name: str
    value: float
    bound: float
    sense: Literal["below", "above"] = "below"
    unit: str = ""

    @property
    def met(self) -> bool:
        """Whether the figure keeps its bound."""
        return self.value <= self.bound if self.sense == "below" else self.value >= self.bound

    def line(self) -> str:
        """``name value (target ≤ bound): met`` or ``MISSED by gap``."""
        sign = "≤" if self.sense == "below" else "≥"
        head = f"{self.name}: {_cell(self.value)}{self.unit} (target {sign} {_cell(self.bound)})"
        if self.met:
            return f"{head}: met"
        gap = abs(self.value - self.bound)
        return f"{head}: MISSED by {_cell(gap)}{self.unit}"


@dataclass
class Result:
    """One benchmark run."""

    name: str
    command: str
    about: str
    settings: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def show(self) -> None:
        """Print the settings, tables, targets and notes."""
        print(f"\n== {self.name} ({self.command}) ==")
        print("settings:", json.dumps(self.settings, indent=1, default=str))
        for table in self.tables:
            print(f"\n{table.text()}")
        if self.targets:
            print("\ntargets:")
            for target in self.targets:
                print(f"  {target.line()}")
        for note in self.notes:
            print(f"note: {note}")

    def save(self) -> Path:
        """Write ``bench/results/<name>.json`` with the machine, the commit and the date."""
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        document = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": commit(),
            "machine": machine(),
            **asdict(self),
            "targets": [{**asdict(t), "met": t.met, "line": t.line()} for t in self.targets],
        }
        path.write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"\nwritten: {path.relative_to(CHECKOUT)}")
        return path


def invocation(name: str) -> str:
    """The command that reproduces this run: its make target, with the arguments given."""
    target = f"make bench-{name.replace('_', '-')}"
    arguments = " ".join(shlex.quote(arg) for arg in sys.argv[1:])
    return f"{target} BENCH_ARGS={shlex.quote(arguments)}" if arguments else target


def machine() -> dict[str, Any]:
    """Cores, RAM, Python and OS of this machine."""
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(_ram_kib() / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def commit() -> str:
    """The checkout's commit; ``+dirty`` when files other than the results differ from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args],  # noqa: S607 - git from the PATH, as a developer runs it
            cwd=CHECKOUT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    # The benchmarks' own output does not make the checkout dirty.
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", *OUTPUT)
    return head + ("+dirty" if changed else "")


def _ram_kib() -> int:
    with Path("/proc/meminfo").open(encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    return 0


def _cell(value: Cell) -> str:
    if isinstance(value, float):
        if abs(value) < 1:
            return f"{value:.3f}"
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value
