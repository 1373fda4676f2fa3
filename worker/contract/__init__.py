"""The published event contract, generated from ``worker.events`` into ``schemas/``.

``render()`` gives every file's text (deterministic: sorted keys, stable order);
``write_schemas()`` writes them, which is what ``zbsync schemas`` does; a test compares
``render()`` with the checked-in files so that ``schemas/`` cannot go stale.
``config_docs`` does the same for the operator's side of the contract: docs/configuration.md
from ``Settings``.
"""

from .render import render, stale_files, write_schemas

__all__ = ["render", "stale_files", "write_schemas"]
