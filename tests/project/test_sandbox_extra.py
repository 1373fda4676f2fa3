"""The sandbox's validation libraries are an extra: the product runs without them, and the two
commands that need the sandbox say in one line how to install it.

Each case runs in a fresh interpreter where the extra's modules cannot be imported
(``None`` in ``sys.modules`` is how Python marks a module as unavailable).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXTRA_MODULES = ("jsonschema", "openapi_schema_validator")
BLOCK = "import sys\nfor name in {names!r}:\n    sys.modules[name] = None\n"


def _run_without(names: tuple[str, ...], code: str) -> subprocess.CompletedProcess[str]:
    script = BLOCK.format(names=names) + code
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("command", "missing"), [("sandbox", "openapi_schema_validator"), ("demo", "jsonschema")]
)
def test_a_sandbox_command_without_the_extra_says_how_to_install_it(
    command: str, missing: str
) -> None:
    done = _run_without((missing,), f"from worker.cli import main\nsys.exit(main([{command!r}]))")

    assert done.returncode == 2
    assert done.stderr == (
        f"zbsync: the Zoho Books sandbox needs {missing}, which is not installed: "
        "pip install 'zoho-books-sync[sandbox]'\n"
    )
    assert done.stdout == ""


def test_the_product_imports_without_the_extra(tmp_path: Path) -> None:
    """Every worker module but the demo (which runs the sandbox) loads, and a command runs."""
    code = (
        "import importlib, pkgutil, worker\n"
        "skip = ('worker.demo', 'worker.__main__')\n"
        "for module in pkgutil.walk_packages(worker.__path__, 'worker.'):\n"
        "    if not module.name.startswith(skip):\n"
        "        importlib.import_module(module.name)\n"
        "from worker.cli import main\n"
        f"sys.exit(main(['schemas', '--out', {str(tmp_path)!r}]))\n"
    )
    done = _run_without(EXTRA_MODULES, code)

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "asyncapi.yaml").is_file()
