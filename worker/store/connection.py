"""The Zoho connection in MongoDB: tokens (encrypted), the refresh lease and the mint log.

One document per connection, shared by every replica. Tokens are sealed with
Fernet before they reach MongoDB and opened only in memory; a key list
(``ZBSYNC_SECRET_KEY``) decrypts with any key and re-seals with the first on
every write, which is how a key rotation completes. Every write replaces the
whole document if its ``version`` is still the one read (optimistic
concurrency that behaves the same on MongoDB and the test server).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bson import Int64
from cryptography.fernet import InvalidToken, MultiFernet
from pymongo.errors import DuplicateKeyError

from ..domain.connection import StoredConnection
from .mongo import ZOHO_CONNECTIONS, Database, Document

PRIMARY = "primary"
_SEALED = ("refresh_token", "access_token")
_TIMES = (
    "access_expires_at_ms",
    "lease_until_ms",
    "denied_until_ms",
    "refresh_failing_since_ms",
    "updated_at_ms",
)


class SealedTokenUnreadable(Exception):
    """A stored token cannot be decrypted with any configured key."""


class ConnectionRepository:
    """Reads and compare-and-swap writes of one connection document.

    Implements ``worker.zoho.ports.ConnectionStore``.
    """

    def __init__(self, db: Database, cipher: MultiFernet, connection_id: str = PRIMARY) -> None:
        self._collection = db[ZOHO_CONNECTIONS]
        self._cipher = cipher
        self._id = connection_id

    async def load(self) -> StoredConnection | None:
        """The stored connection, decrypted; None when nothing was ever connected."""
        doc = await self._collection.find_one({"_id": self._id})
        return None if doc is None else self._from_document(doc)

    async def save(self, connection: StoredConnection) -> StoredConnection | None:
        """Write ``connection`` if nobody wrote since it was read; the saved copy, or None."""
        saved = connection.replace(version=connection.version + 1)
        doc = self._to_document(saved)
        if connection.version == 0:
            return saved if await self._insert(doc) else None
        result = await self._collection.replace_one(
            {"_id": self._id, "version": connection.version}, doc
        )
        return saved if result.matched_count == 1 else None

    async def delete(self) -> None:
        """Forget the connection (disconnect)."""
        await self._collection.delete_one({"_id": self._id})

    async def _insert(self, doc: Document) -> bool:
        try:
            await self._collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def _to_document(self, connection: StoredConnection) -> Document:
        doc: Document = {"_id": self._id}
        for name, value in dataclasses.asdict(connection).items():
            if value is not None:  # absent rather than null: one BSON type per field
                doc[name] = self._stored_form(name, value)
        return doc

    def _stored_form(self, name: str, value: Any) -> Any:
        if name in _SEALED:
            return self._cipher.encrypt(str(value).encode()).decode()
        if name in _TIMES:
            return Int64(value)
        if name == "mints_ms":
            return [Int64(stamp) for stamp in value]
        if name == "scopes":
            return list(value)
        return value

    def _from_document(self, doc: Document) -> StoredConnection:
        values = {
            f.name: doc[f.name] for f in dataclasses.fields(StoredConnection) if f.name in doc
        }
        for name in _SEALED:
            if name in values:
                values[name] = self._open(str(values[name]))
        for name in (*_TIMES, "expires_in", "version"):
            if name in values:
                values[name] = int(values[name])
        values["mints_ms"] = tuple(int(stamp) for stamp in values.get("mints_ms", ()))
        if "scopes" in values:  # absent in documents written before scopes were recorded
            values["scopes"] = tuple(str(scope) for scope in values["scopes"])
        return StoredConnection(**values)

    def _open(self, sealed: str) -> str:
        try:
            return self._cipher.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise SealedTokenUnreadable(
                "a stored Zoho token cannot be decrypted with ZBSYNC_SECRET_KEY "
                "(was the key replaced instead of rotated?)"
            ) from None
