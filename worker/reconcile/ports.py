"""What the reconciler needs beyond the sync's ports: its own small state per organization."""

from __future__ import annotations

from typing import Any, Protocol


class ReconcilerState(Protocol):
    """Watermarks, fingerprints and pass summaries (``store.reconciler.ReconcilerStore``)."""

    async def state(self, organization_id: str) -> dict[str, Any]:
        """The organization's reconciler state (empty at first)."""
        ...

    async def set_state(self, organization_id: str, **fields: int | str) -> None:
        """Store ``fields`` in the organization's state."""
        ...

    async def record_pass(self, summary: dict[str, Any]) -> None:
        """Keep a pass's summary."""
        ...
