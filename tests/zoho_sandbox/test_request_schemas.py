"""The request schemas shipped with the sandbox: current with Zoho's files, structure only.

The currency checks need Zoho's OpenAPI files (``$ZBSYNC_ZOHO_OPENAPI_DIR``, else
``../shared/zoho-books-openapi`` beside the checkout) and are skipped without them;
everything else runs on a plain clone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zoho_sandbox import SandboxConfig
from zoho_sandbox.app import build_app
from zoho_sandbox.generate_schemas import main, reference_folder
from zoho_sandbox.openapi_check import OPENAPI_ON, SOURCE, load_validators
from zoho_sandbox.request_schemas import (
    OPERATIONS,
    SHIPPED,
    STRUCTURE,
    from_openapi,
    load,
    render,
)

FOLDER = reference_folder()
needs_openapi_files = pytest.mark.skipif(
    not FOLDER.is_dir(),
    reason=f"Zoho's OpenAPI files are not at {FOLDER} (set ZBSYNC_ZOHO_OPENAPI_DIR to check "
    "that the shipped request schemas are current)",
)


@needs_openapi_files
def test_the_shipped_schemas_are_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == render(from_openapi(FOLDER)), (
        "regenerate: python -m zoho_sandbox.generate_schemas"
    )


@needs_openapi_files
def test_the_generator_writes_and_checks(tmp_path: Path) -> None:
    output = tmp_path / "schemas.json"
    check = ["--openapi-dir", str(FOLDER), "--output", str(output), "--check"]
    assert main(check) == 1  # nothing there yet
    assert main(check[:-1]) == 0
    assert output.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")
    assert main(check) == 0


@needs_openapi_files
def test_an_openapi_folder_overrides_the_shipped_file() -> None:
    app = build_app(SandboxConfig(openapi_dir=FOLDER, require_openapi=True))
    assert (app[OPENAPI_ON], app[SOURCE]) == (True, str(FOLDER))


def test_every_checked_request_class_has_a_schema() -> None:
    assert sorted(load(SHIPPED)) == sorted(OPERATIONS)
    assert sorted(load_validators(SHIPPED.resolve())) == sorted(OPERATIONS)


def test_the_shipped_schemas_hold_structure_only() -> None:
    for request_class, schema in load(SHIPPED).items():
        for path, keys in _schema_nodes(schema, request_class):
            assert keys <= STRUCTURE, f"{path}: {sorted(keys - STRUCTURE)}"


def test_the_relaxed_quirks_are_in_the_shipped_file() -> None:
    invoice = load(SHIPPED)["invoices.create"]
    line = invoice["properties"]["line_items"]["items"]
    assert "item_id" not in line.get("required", [])
    assert line["properties"]["line_item_id"] == {"type": "string"}


def _schema_nodes(node: Any, path: str) -> list[tuple[str, set[str]]]:
    """Each schema object under ``node`` with the keywords it uses (``properties`` maps skipped)."""
    if not isinstance(node, dict):
        return []
    found = [(path, set(node))]
    for name, sub in node.get("properties", {}).items():
        found += _schema_nodes(sub, f"{path}.{name}")
    for key in ("items", "additionalProperties", "not"):
        found += _schema_nodes(node.get(key), f"{path}[{key}]")
    for key in ("allOf", "anyOf", "oneOf"):
        for index, sub in enumerate(node.get(key, [])):
            found += _schema_nodes(sub, f"{path}.{key}[{index}]")
    return found
