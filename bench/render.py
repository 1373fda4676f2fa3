"""``bench/RESULTS.md`` from the saved runs in ``bench/results/*.json``.

Every benchmark ends with ``finish``, which saves its run and renders, so re-running one benchmark
updates its section; ``python -m bench.render`` rebuilds the file alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.report import CHECKOUT, RESULTS, Result, Table

ORDER = ("efficiency", "fresh_db", "intake", "latency", "burst")
HEADER = """# Benchmark results

Written by the benchmarks themselves (`bench/render.py`, from `bench/results/*.json`): re-run one
with its command below, or all with `make bench`, and this file follows. How to run them and what
each measures: [docs/operations.md](../docs/operations.md#benchmarks). Figures depend on the
machine and on what else runs on it; each section names both.
"""


def render(results: Path = RESULTS) -> Path:
    """Rewrite ``RESULTS.md`` beside ``results`` from the JSON files there."""
    runs = {path.stem: json.loads(path.read_text("utf-8")) for path in results.glob("*.json")}
    names = [n for n in ORDER if n in runs] + sorted(set(runs) - set(ORDER))
    text = HEADER + "".join(_section(runs[name]) for name in names)
    target = results.parent / "RESULTS.md"
    target.write_text(text, encoding="utf-8")
    return target


def _section(run: dict[str, Any]) -> str:
    machine = run["machine"]
    lines = [
        f"\n## {run['name']}\n",
        f"`{run['command']}` — {run['date']}, commit `{run['commit']}`; "
        f"{machine['cores']} cores, {machine['ram_gib']} GiB RAM, Python {machine['python']}, "
        f"{machine['os']}\n",
    ]
    lines += [Table(**table).markdown() for table in run["tables"]]
    if run["targets"]:
        lines.append("**Targets**\n\n" + "".join(f"- {t['line']}\n" for t in run["targets"]))
    if run["notes"]:
        lines.append("".join(f"- {note}\n" for note in run["notes"]))
    settings = "".join(f"- {key}: {_setting(value)}\n" for key, value in run["settings"].items())
    lines.append(f"**Settings**\n\n{settings}")
    lines.append(f"**What it measures**\n\n{_markdown(run['about'])}\n")
    return "\n".join(lines)


def _setting(value: object) -> str:
    return value if isinstance(value, str) else f"`{json.dumps(value)}`"


def _markdown(docstring: str) -> str:
    return docstring.replace("``", "`").strip()


def finish(result: Result) -> None:
    """Print a run, save it and rewrite ``RESULTS.md``."""
    result.show()
    result.save()
    print(f"written: {render().relative_to(CHECKOUT)}")


def main() -> None:
    """Entry point: ``python -m bench.render``."""
    print(f"written: {render().relative_to(CHECKOUT)}")


if __name__ == "__main__":
    main()
