"""The organization's taxes and currencies: read from Zoho once, shared by every replica.

Mapping an order needs them; reading them for every order, or on every replica's
start, would spend the request budget. The reconciler's pass reads them from Zoho
(``refresh``) and shares them through MongoDB; a replica takes the shared copy,
keeps it for a short while, and reads Zoho itself only when nothing is shared yet
or the shared copy is older than ``stale_ms`` (no reconciler has run for that long).
Each copy it takes is also handed to ``on_catalog`` (the request budget adopts the
plan's daily limit from it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ..clock import Clock
from ..domain.catalog import Catalog
from ..domain.lanes import Lane
from ..zoho.catalog_adapter import catalog_from
from .ports import Books, SharedCatalogs

LOCAL_TTL_MS = 60_000  # how long a replica trusts its copy before looking at the shared one
STALE_MS = 1_200_000  # two reconciler intervals: no pass refreshed it, so read Zoho


class CatalogCache:
    """A replica's view of one organization's shared catalog."""

    def __init__(
        self,
        books: Books,
        shared: SharedCatalogs,
        clock: Clock,
        *,
        local_ttl_ms: int = LOCAL_TTL_MS,
        stale_ms: int = STALE_MS,
        on_catalog: Callable[[Catalog], None] | None = None,
    ) -> None:
        self._books, self._shared, self._clock = books, shared, clock
        self._on_catalog = on_catalog
        self._local_ttl_ms, self._stale_ms = local_ttl_ms, stale_ms
        self._catalog: Catalog | None = None
        self._checked_at_ms = 0
        self._reading = asyncio.Lock()  # concurrent orders share one read
        self._reads = 0  # reads from Zoho so far: a caller that waited for one takes it

    async def get(self, lane: Lane) -> Catalog:
        """The catalog: this replica's copy, else the shared one, else Zoho's."""
        async with self._reading:
            now = self._clock.now_ms()
            if self._catalog is None or now - self._checked_at_ms > self._local_ttl_ms:
                await self._take_shared(lane, now)
        assert self._catalog is not None
        return self._catalog

    async def refresh(self, lane: Lane) -> Catalog:
        """Read taxes, currencies and the organization from Zoho now, and share them (a read
        that finished while this call waited for the one before it counts as now)."""
        reads = self._reads
        async with self._reading:
            if self._reads > reads and self._catalog is not None:
                return self._catalog
            return await self._refresh(lane)

    async def _refresh(self, lane: Lane) -> Catalog:
        organization = await self._books.organization(lane)
        taxes = await self._books.taxes(lane)
        currencies = await self._books.currencies(lane)
        catalog = catalog_from(taxes, currencies, organization)
        now = self._clock.now_ms()
        await self._shared.save(self._books.organization_id, catalog, now)
        self._take(catalog, now)
        self._reads += 1
        return catalog

    async def _take_shared(self, lane: Lane, now_ms: int) -> None:
        shared = await self._shared.load(self._books.organization_id)
        if shared is None or now_ms - shared[1] > self._stale_ms:
            await self._refresh(lane)
            return
        self._take(shared[0], now_ms)

    def _take(self, catalog: Catalog, now_ms: int) -> None:
        self._catalog, self._checked_at_ms = catalog, now_ms
        if self._on_catalog is not None:
            self._on_catalog(catalog)
