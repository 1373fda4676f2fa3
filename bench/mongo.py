"""Where a benchmark keeps its data: the MongoDB named in the environment, else a fresh nx-27017."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.nx_server import running_nx


@contextlib.contextmanager
def mongodb_uri(*, in_memory: bool = False) -> Iterator[str]:
    """``ZBSYNC_TEST_MONGODB_URI`` when set, else an nx-27017 in a temporary directory.

    ``in_memory``: the nx-27017 keeps its data in memory rather than on disk (faster).
    """
    uri = os.environ.get("ZBSYNC_TEST_MONGODB_URI")
    if uri:
        yield uri
        return
    options = {"data_dir": "memory"} if in_memory else {}
    with tempfile.TemporaryDirectory() as tmp, running_nx(Path(tmp), **options) as server:
        yield server.uri
