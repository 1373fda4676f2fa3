"""The console's settings in MongoDB: one document, shared by every replica.

Tax maps are stored as ``[rate, tax id]`` pairs (rates as strings): a rate such
as ``"5.5"`` is no safe MongoDB field name and a float would not round-trip.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.console_settings import StoredSettings, Values
from .mongo import CONSOLE_SETTINGS, Database, Document

SETTINGS_ID = "console"


class SettingsRepository:
    """Implements ``worker.sync.ports.SettingsStore``."""

    def __init__(self, db: Database) -> None:
        self._collection = db[CONSOLE_SETTINGS]

    async def load(self) -> StoredSettings:
        """What is stored (empty when nothing is)."""
        doc = await self._collection.find_one({"_id": SETTINGS_ID}) or {}
        seen = doc.get("environment_seen")
        return StoredSettings(
            _from_document(doc.get("values", {})), None if seen is None else _from_document(seen)
        )

    async def change(self, values: Values) -> None:
        """Store these console values, replacing those of the same names."""
        if not values:
            return
        update = {f"values.{name}": value for name, value in _to_document(values).items()}
        await self._collection.update_one({"_id": SETTINGS_ID}, {"$set": update}, upsert=True)

    async def settle(self, forget: frozenset[str], environment: Values) -> None:
        """At a start: drop the stored values the environment replaced; record it as seen."""
        update: Document = {"$set": {"environment_seen": _to_document(environment)}}
        if forget:
            update["$unset"] = {f"values.{name}": "" for name in sorted(forget)}
        await self._collection.update_one({"_id": SETTINGS_ID}, update, upsert=True)


def _to_document(values: Values) -> Document:
    doc: Document = dict(values)
    if "tax_map" in doc:
        doc["tax_map"] = [[str(rate), tax_id] for rate, tax_id in sorted(doc["tax_map"].items())]
    return doc


def _from_document(doc: Document) -> dict[str, Any]:
    values = dict(doc)
    if "auto_sync" in values:  # one server in tests reads booleans back as 0 / 1
        values["auto_sync"] = bool(values["auto_sync"])
    if "tax_map" in values:
        values["tax_map"] = {Decimal(rate): tax_id for rate, tax_id in values["tax_map"]}
    return values
