"""Where a benchmark keeps its data: the MongoDB named in the environment, else a fresh nx-27017."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.nx_server import running_nx


@contextlib.contextmanager
def mongodb_uri() -> Iterator[str]:
    """``ZBSYNC_TEST_MONGODB_URI`` when set, else an nx-27017 in a temporary directory."""
    uri = os.environ.get("ZBSYNC_TEST_MONGODB_URI")
    if uri:
        yield uri
        return
    with tempfile.TemporaryDirectory() as tmp, running_nx(Path(tmp)) as server:
        yield server.uri
