"""The organization's taxes and currencies, read from Zoho at most once per interval.

Mapping an order needs them; reading them for every order would spend the
request budget, so each replica keeps a copy for ``ttl_ms``.
"""

from __future__ import annotations

import asyncio

from ..clock import Clock
from ..domain.catalog import Catalog
from ..domain.lanes import Lane
from ..zoho.catalog_adapter import catalog_from
from .ports import Books

DEFAULT_TTL_MS = 600_000


class CatalogCache:
    """A replica's copy of one organization's catalog."""

    def __init__(self, books: Books, clock: Clock, ttl_ms: int = DEFAULT_TTL_MS) -> None:
        self._books = books
        self._clock = clock
        self._ttl_ms = ttl_ms
        self._catalog: Catalog | None = None
        self._read_at_ms = 0
        self._reading = asyncio.Lock()  # concurrent orders share one read

    async def get(self, lane: Lane) -> Catalog:
        """The catalog, refreshed from Zoho when older than the interval."""
        async with self._reading:
            if self._catalog is None or self._clock.now_ms() - self._read_at_ms > self._ttl_ms:
                await self.refresh(lane)
        assert self._catalog is not None
        return self._catalog

    async def refresh(self, lane: Lane) -> Catalog:
        """Read taxes, currencies and the organization now."""
        organization = await self._books.organization(lane)
        taxes = await self._books.taxes(lane)
        currencies = await self._books.currencies(lane)
        self._catalog = catalog_from(taxes, currencies, organization)
        self._read_at_ms = self._clock.now_ms()
        return self._catalog
