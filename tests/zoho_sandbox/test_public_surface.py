"""The rest of the checkout uses the sandbox only through its public surface (``zoho_sandbox``).

That the sandbox imports nothing from ``worker`` is an import-linter contract (pyproject.toml);
this is what import-linter cannot say: which names of a package others may import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
OWN_TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> Iterator[str]:
    """The absolute names ``path`` imports (relative ones are inside its own package)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def is_under(name: str, package: str) -> bool:
    """Whether module ``name`` is ``package`` or inside it."""
    return name == package or name.startswith(f"{package}.")


def test_callers_import_only_the_public_surface() -> None:
    callers = [
        path
        for folder in ("worker", "bench", "tests")
        for path in sorted((CHECKOUT / folder).rglob("*.py"))
        if not path.is_relative_to(OWN_TESTS)
    ]
    found = [
        f"{path.relative_to(CHECKOUT)}: {name}"
        for path in callers
        for name in imported_modules(path)
        if is_under(name, "zoho_sandbox") and name != "zoho_sandbox"
    ]
    assert callers
    assert found == []
