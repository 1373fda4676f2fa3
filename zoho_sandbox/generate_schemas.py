"""``python -m zoho_sandbox.generate_schemas``: regenerate the shipped request schemas.

Reads Zoho's OpenAPI files (``--openapi-dir``; by default
``$ZBSYNC_ZOHO_OPENAPI_DIR``, else ``../shared/zoho-books-openapi`` beside the
checkout) and writes ``zoho_request_schemas.json`` next to this module.
``--check`` writes nothing and exits 1 when the shipped file is not current.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .request_schemas import SHIPPED, from_openapi, render

OPENAPI_ENV = "ZBSYNC_ZOHO_OPENAPI_DIR"


def reference_folder() -> Path:
    """Where Zoho's OpenAPI files are expected on a developer's machine."""
    if from_env := os.environ.get(OPENAPI_ENV):
        return Path(from_env)
    checkout = Path(__file__).resolve().parents[1]
    return checkout.parent / "shared" / "zoho-books-openapi"


def main(argv: list[str] | None = None) -> int:
    """Write or check the shipped file; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m zoho_sandbox.generate_schemas")
    parser.add_argument("--openapi-dir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=SHIPPED)
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    folder: Path = args.openapi_dir or reference_folder()
    if not folder.is_dir():
        sys.stderr.write(f"no OpenAPI folder at {folder}; pass --openapi-dir or {OPENAPI_ENV}\n")
        return 2
    text = render(from_openapi(folder))
    output: Path = args.output
    if args.check:
        current = output.is_file() and output.read_text(encoding="utf-8") == text
        sys.stdout.write(f"{output} is {'current' if current else 'NOT current'}\n")
        return 0 if current else 1
    output.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {output} from {folder}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
