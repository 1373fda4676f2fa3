"""Per organization, the invoices known to exist in Zoho, by reference.

One document per invoice (``{organization}|{invoice id}``), so an import and
a create recording the same invoice agree, plus one mark per organization:
how far Zoho's list, newest first, has been read. Restoring an older copy of
the database restores an older mark, so the next check reads further back.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.errors import DuplicateKeyError

from ..sync.records import IndexedInvoice, IndexMark
from .mongo import Database

INVOICE_INDEX = "invoice_index"
INDEX_MARKS = "invoice_index_marks"


class InvoiceIndexRepository:
    """The index and its marks."""

    def __init__(self, db: Database) -> None:
        self._invoices = db[INVOICE_INDEX]
        self._marks = db[INDEX_MARKS]

    async def ensure_indexes(self) -> None:
        """Lookups go by (organization, reference)."""
        keys = [("organization_id", ASCENDING), ("reference", ASCENDING)]
        await self._invoices.create_index(keys)

    async def by_reference(self, organization_id: str, reference: str) -> list[IndexedInvoice]:
        """The known invoices carrying ``reference``."""
        found = self._invoices.find({"organization_id": organization_id, "reference": reference})
        return [_invoice(doc) async for doc in found]

    async def add(self, invoices: list[IndexedInvoice]) -> int:
        """Record ``invoices``; how many were not known before."""
        if not invoices:
            return 0
        writes = [
            UpdateOne(
                {"_id": _key(invoice.organization_id, invoice.invoice_id)},
                {"$set": invoice.model_dump(exclude_none=True)},
                upsert=True,
            )
            for invoice in invoices
        ]
        result = await self._invoices.bulk_write(writes, ordered=False)
        return result.upserted_count

    async def forget(self, organization_id: str, invoice_id: str) -> None:
        """The invoice no longer exists in Zoho."""
        await self._invoices.delete_one({"_id": _key(organization_id, invoice_id)})

    async def mark(self, organization_id: str) -> IndexMark | None:
        """How far the list has been read, or None before the first import finished."""
        doc = await self._marks.find_one({"_id": organization_id})
        if doc is None:
            return None
        through = doc.get("through_ms")
        return IndexMark(organization_id=organization_id, through_ms=_int_or_none(through))

    async def save_mark(self, mark: IndexMark) -> None:
        """Store the mark, never moving it back (two replicas may finish a check together)."""
        for _ in range(2):  # an upsert racing another one on the same _id is refused once
            current = await self.mark(mark.organization_id)
            if current is not None and current.is_past(mark):
                return
            doc: dict[str, Any] = {
                "_id": mark.organization_id,
                "organization_id": mark.organization_id,
            }
            if mark.through_ms is not None:
                doc["through_ms"] = mark.through_ms
            try:
                await self._marks.replace_one({"_id": mark.organization_id}, doc, upsert=True)
            except DuplicateKeyError:
                continue
            return


def _key(organization_id: str, invoice_id: str) -> str:
    return f"{organization_id}|{invoice_id}"


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _invoice(doc: dict[str, Any]) -> IndexedInvoice:
    doc.pop("_id")
    return IndexedInvoice.model_validate(doc)
