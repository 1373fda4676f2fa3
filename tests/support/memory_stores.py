"""In-memory implementations of the sync's store ports, for fast runs of its behaviour suite.

Each keeps the contract of its MongoDB twin in ``worker/store/`` (compare-and-swap on
versions, fences on leases) in plain dicts. An asyncio task is never interrupted
between reading and writing a dict, so no write can race another here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from worker.domain.catalog import Catalog
from worker.domain.console_settings import StoredSettings, Values
from worker.sync.errors import LeaseLost
from worker.sync.records import (
    OPEN_STATES,
    ContactLink,
    IndexedInvoice,
    IndexMark,
    OrderRecord,
    PageMark,
    SeenInOrders,
    needs_a_pass,
    page_mark,
    search_keys,
)


class MemoryOrders:
    """``OrderStore`` in a dict."""

    def __init__(self) -> None:
        self.records: dict[str, OrderRecord] = {}

    async def ensure_indexes(self) -> None:
        """Nothing to index."""

    async def load(self, order_id: str) -> OrderRecord | None:
        """The stored order, or None."""
        return self.records.get(order_id)

    async def change(
        self, order_id: str, mutate: Callable[[OrderRecord | None], OrderRecord | None]
    ) -> OrderRecord | None:
        """Apply ``mutate`` to the stored copy; None when it wants nothing written."""
        wanted = mutate(self.records.get(order_id))
        if wanted is None:
            return None
        saved = wanted.replace(version=wanted.version + 1)
        self.records[order_id] = saved
        return saved

    async def change_fenced(
        self, order_id: str, owner: str, fence: int, mutate: Callable[[OrderRecord], OrderRecord]
    ) -> OrderRecord:
        """``change`` for the lease holder; ``LeaseLost`` when the lease moved on."""
        current = self.records.get(order_id)
        if current is None or current.lease_owner != owner or current.fence != fence:
            raise LeaseLost(order_id)
        saved = await self.change(order_id, lambda _: mutate(current))
        assert saved is not None
        return saved

    async def due(self, now_ms: int, limit: int) -> list[tuple[str, str]]:
        """(id, lane) of orders due and not leased, longest waiting first."""
        due = [
            r
            for r in self.records.values()
            if r.due_at_ms is not None and r.due_at_ms <= now_ms and r.lease_until_ms < now_ms
        ]
        due.sort(key=lambda r: r.due_at_ms or 0)
        return [(r.order_id, r.lane) for r in due[:limit]]

    async def missing(self, since_ms: int, now_ms: int) -> list[str]:
        """Paid orders received since ``since_ms`` still without their invoice."""
        return [
            r.order_id
            for r in self.records.values()
            if r.state in OPEN_STATES
            and r.received_at_ms >= since_ms
            and needs_a_pass(r.state, r.due_at_ms, r.lease_until_ms, now_ms)
        ]

    async def ids_blocked_by_configuration(self) -> list[str]:
        """Orders a tax or currency change could unblock."""
        return [
            r.order_id
            for r in self.records.values()
            if r.state == "needs_attention" and r.reason_from_config
        ]

    async def ids_in_state(self, state: str) -> list[str]:
        """Every order in ``state``."""
        return [r.order_id for r in self.records.values() if r.state == state]

    async def make_due(self, order_id: str, now_ms: int, lane: str) -> None:
        """Ask for a pass on the order in ``lane``."""
        await self.change(order_id, lambda r: r and r.replace(due_at_ms=now_ms, lane=lane))

    async def count_by_state(self) -> dict[str, int]:
        """How many orders are in each state."""
        return dict(Counter(r.state for r in self.records.values()))

    async def seen_in_snapshots(self) -> SeenInOrders:
        """The VAT rates and currencies the stored snapshots carry."""
        snapshots = [r.snapshot for r in self.records.values() if r.snapshot is not None]
        rates: set[Decimal] = set()
        for snapshot in snapshots:
            parts = [*snapshot.get("lines", ()), *snapshot.get("discounts", ())]
            parts.append(snapshot.get("shipping") or {})
            rates.update(
                Decimal(str(p["tax_rate"])) for p in parts if p.get("tax_rate") is not None
            )
        currencies = frozenset(str(s["currency"]).upper() for s in snapshots if "currency" in s)
        return SeenInOrders(frozenset(rates), currencies)

    async def page(
        self, *, state: str | None, search: str | None, after: PageMark | None, limit: int
    ) -> list[OrderRecord]:
        """Up to ``limit`` orders, newest received first, after ``after``."""
        chosen = [
            r
            for r in self.records.values()
            if (state is None or r.state == state)
            and (search is None or search in search_keys(r))
            and (after is None or page_mark(r) < after)
        ]
        chosen.sort(key=page_mark, reverse=True)
        return chosen[:limit]


class MemoryAudit:
    """``AuditLog`` in a list."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    async def ensure_indexes(self) -> None:
        """Nothing to index."""

    async def record(self, order_id: str, at_ms: int, kind: str, actor: str, **detail: Any) -> None:
        """Append one entry."""
        self.entries.append(
            {"order_id": order_id, "at_ms": at_ms, "kind": kind, "actor": actor, **detail}
        )

    async def for_order(self, order_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The order's entries, newest first."""
        mine = [e for e in reversed(self.entries) if e["order_id"] == order_id]
        return sorted(mine, key=lambda e: -int(e["at_ms"]))[:limit]


class MemoryLeases:
    """``LeaseStore`` in a dict: name -> (owner, until_ms, fence)."""

    def __init__(self) -> None:
        self.leases: dict[str, tuple[str, int, int]] = {}

    async def acquire(self, name: str, owner: str, ttl_ms: int, now_ms: int) -> int | None:
        """Take (or renew) the lease; its fence, or None while someone else holds it."""
        holder, until_ms, fence = self.leases.get(name, (owner, 0, 0))
        if holder != owner and until_ms > now_ms:
            return None
        fence = fence + (0 if holder == owner and fence else 1)
        self.leases[name] = (owner, now_ms + ttl_ms, fence)
        return fence

    async def renew(self, name: str, owner: str, fence: int, ttl_ms: int, now_ms: int) -> bool:
        """Extend the lease taken with ``fence``; False if it is lost or expired."""
        current = self.leases.get(name)
        if current is None or (current[0], current[2]) != (owner, fence) or current[1] <= now_ms:
            return False
        self.leases[name] = (owner, max(current[1], now_ms + ttl_ms), fence)
        return True

    async def release(self, name: str, owner: str) -> None:
        """Give the lease up early, if it is still ours."""
        current = self.leases.get(name)
        if current is not None and current[0] == owner:
            self.leases[name] = (owner, 0, current[2])


class MemoryContactLinks:
    """``ContactLinkStore`` in a dict, compare-and-swap on ``version``."""

    def __init__(self) -> None:
        self.links: dict[str, ContactLink] = {}

    async def load(self, organization_id: str, email: str, currency: str) -> ContactLink | None:
        """The link, or None."""
        return next(
            (
                link
                for link in self.links.values()
                if (link.organization_id, link.email, link.currency)
                == (organization_id, email, currency)
            ),
            None,
        )

    async def save(self, link: ContactLink) -> bool:
        """Write if unchanged since read; False when another writer won."""
        stored = self.links.get(link.key)
        if (stored.version if stored else 0) != link.version:
            return False
        self.links[link.key] = link.model_copy(update={"version": link.version + 1})
        return True

    async def forget(self, link: ContactLink) -> None:
        """Drop the link, if it is still the one read."""
        stored = self.links.get(link.key)
        if stored is not None and stored.version == link.version:
            del self.links[link.key]


class MemoryCatalogs:
    """``SharedCatalogs`` in a dict: organization -> (catalog, read at)."""

    def __init__(self) -> None:
        self.catalogs: dict[str, tuple[Catalog, int]] = {}

    async def load(self, organization_id: str) -> tuple[Catalog, int] | None:
        """The shared catalog and when it was read, or None."""
        return self.catalogs.get(organization_id)

    async def save(self, organization_id: str, catalog: Catalog, read_at_ms: int) -> None:
        """Share ``catalog``."""
        self.catalogs[organization_id] = (catalog, read_at_ms)


class MemoryInvoiceIndex:
    """``InvoiceIndexStore`` in dicts."""

    def __init__(self) -> None:
        self.invoices: dict[tuple[str, str], IndexedInvoice] = {}
        self.marks: dict[str, IndexMark] = {}

    async def ensure_indexes(self) -> None:
        """Nothing to index."""

    async def by_reference(self, organization_id: str, reference: str) -> list[IndexedInvoice]:
        """The known invoices carrying ``reference``."""
        return [
            i
            for (org, _), i in self.invoices.items()
            if org == organization_id and i.reference == reference
        ]

    async def add(self, invoices: list[IndexedInvoice]) -> int:
        """Record ``invoices``; how many were not known before."""
        new = 0
        for invoice in invoices:
            key = (invoice.organization_id, invoice.invoice_id)
            new += key not in self.invoices
            self.invoices[key] = invoice
        return new

    async def forget(self, organization_id: str, invoice_id: str) -> None:
        """The invoice no longer exists in Zoho."""
        self.invoices.pop((organization_id, invoice_id), None)

    async def mark(self, organization_id: str) -> IndexMark | None:
        """How far the list has been read."""
        return self.marks.get(organization_id)

    async def save_mark(self, mark: IndexMark) -> None:
        """Store the mark, never moving it back."""
        current = self.marks.get(mark.organization_id)
        if current is not None and current.is_past(mark):
            return
        self.marks[mark.organization_id] = mark


class MemorySettings:
    """``SettingsStore`` in memory: the console's values and the environment last seen."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.environment_seen: dict[str, Any] | None = None

    async def load(self) -> StoredSettings:
        seen = None if self.environment_seen is None else dict(self.environment_seen)
        return StoredSettings(dict(self.values), seen)

    async def change(self, values: Values) -> None:
        self.values.update(values)

    async def settle(self, forget: frozenset[str], environment: Values) -> None:
        for name in forget:
            self.values.pop(name, None)
        self.environment_seen = dict(environment)
