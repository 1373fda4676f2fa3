"""What the Zoho client keeps in shared storage, as ports the storage adapter implements.

The client owns these contracts and the values they carry (from
``worker.domain``); ``worker/store/`` implements them on MongoDB, and nothing in
``worker/zoho/`` imports the store. Every replica shares two records:

- the **connection** (tokens, refresh lease, mint log), written by
  compare-and-swap on its ``version`` — see :class:`ConnectionStore`;
- each organization's **request budget**, changed only through the ledger's
  pure transitions, also by compare-and-swap — see :class:`BudgetStore`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from ..domain.budget_ledger import Ask, BudgetLimits, BudgetUsage, Granted, Refused
from ..domain.connection import StoredConnection
from ..domain.consent import ConsentState


class ConnectionStore(Protocol):
    """The one shared connection record (``worker.store.connection.ConnectionRepository``)."""

    async def load(self) -> StoredConnection | None:
        """The connection as stored now; None when nothing was ever connected."""
        ...

    async def save(self, connection: StoredConnection) -> StoredConnection | None:
        """Write ``connection`` if its ``version`` is still the stored one.

        The saved copy (with the next version), or None when someone wrote first.
        """
        ...


class ConnectionRecord(ConnectionStore, Protocol):
    """The connection record as connecting and disconnecting use it."""

    async def delete(self) -> None:
        """Forget the connection (disconnect)."""
        ...


class ConsentStates(Protocol):
    """Pending consents (``worker.store.consent_states.ConsentStateRepository``)."""

    async def put(self, consent: ConsentState, now_ms: int) -> None:
        """Remember a state until it is taken; forget those expired by ``now_ms``."""
        ...

    async def take(self, state: str) -> ConsentState | None:
        """The pending consent, removed in the same step (single use); None if unknown."""
        ...


class BudgetStore(Protocol):
    """Organizations' shared request budgets (``worker.store.budget.BudgetRepository``).

    Each method applies the ``worker.domain.budget_ledger`` rule of the same name
    atomically across replicas.
    """

    async def acquire(
        self, organization_id: str, ask: Ask, releasing: Collection[str] = ()
    ) -> Granted | Refused:
        """Count one request and hold a slot, or say why not; gives ``releasing`` back too."""
        ...

    async def release(
        self, organization_id: str, holder_ids: Collection[str], *, probe_succeeded: bool = False
    ) -> None:
        """Give slots back; a successful probe also ends a code-45 pause."""
        ...

    async def hold_off(self, organization_id: str, until_ms: int) -> None:
        """Code 44: no replica asks before ``until_ms``."""
        ...

    async def pause(self, organization_id: str, until_ms: int) -> None:
        """Code 45: automatic lanes stop until ``until_ms``, then one probes."""
        ...

    async def usage(self, organization_id: str, now_ms: int, limits: BudgetLimits) -> BudgetUsage:
        """Requests in the window ending at ``now_ms``, today, and in flight."""
        ...
