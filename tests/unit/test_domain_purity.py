"""The domain stays pure: no broker, database, HTTP client or Zoho client imports."""

from __future__ import annotations

import ast
from pathlib import Path

import worker.domain

FORBIDDEN = ("aio_pika", "aiormq", "pymongo", "motor", "aiohttp", "worker.zoho", "worker.store")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_domain_imports_no_adapters() -> None:
    folder = Path(worker.domain.__file__).parent
    offending = {
        f"{path.name}: {name}"
        for path in folder.glob("*.py")
        for name in _imports(path)
        if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN)
    }
    assert not offending
