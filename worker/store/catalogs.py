"""Each organization's catalog (taxes, currencies), shared by every replica.

One document per organization: the catalog as JSON and when it was read from
Zoho. The reconciler's pass writes it; replicas read it instead of asking Zoho.
"""

from __future__ import annotations

from ..domain.catalog import Catalog, catalog_from_json, catalog_to_json
from .mongo import Database

CATALOGS = "catalogs"


class CatalogStore:
    """Loads and replaces shared catalogs."""

    def __init__(self, db: Database) -> None:
        self._catalogs = db[CATALOGS]

    async def load(self, organization_id: str) -> tuple[Catalog, int] | None:
        """The organization's catalog and when it was read (epoch ms), or None."""
        doc = await self._catalogs.find_one({"_id": organization_id})
        if doc is None:
            return None
        return catalog_from_json(doc["catalog"]), int(doc["read_at_ms"])

    async def save(self, organization_id: str, catalog: Catalog, read_at_ms: int) -> None:
        """Share ``catalog``, read from Zoho at ``read_at_ms``."""
        doc = {
            "_id": organization_id,
            "catalog": catalog_to_json(catalog),
            "read_at_ms": read_at_ms,
        }
        await self._catalogs.replace_one({"_id": organization_id}, doc, upsert=True)
