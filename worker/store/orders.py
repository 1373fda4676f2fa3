"""Orders in MongoDB: one document per order with its newest snapshot, state, invoice and lease.

Every write replaces the whole document if its ``version`` is unchanged (the
form that means the same on MongoDB and on the test server). Writes by the
replica working on an order also check the lease's ``fence``: a replica whose
lease expired and was taken over cannot overwrite the new holder's work.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from ..sync.errors import LeaseLost, WriteContention
from ..sync.records import OPEN_STATES, OrderRecord, PageMark, SeenInOrders, needs_a_pass
from .mongo import Database, Document

SEARCH_KEYS = ("_id", "snapshot.number", "invoice.invoice_number")
NEWEST_FIRST = [("received_at_ms", DESCENDING), ("_id", DESCENDING)]

ORDERS = "orders"


MAX_WRITE_RACES = 100  # a write that loses this often is broken, not contended


class OrderRepository:
    """Loads and compare-and-swap writes of order documents."""

    def __init__(self, db: Database) -> None:
        self._orders = db[ORDERS]

    async def ensure_indexes(self) -> None:
        """The indexes the sync loop, the reconciler and the admin list query by."""
        await self._orders.create_index([("due_at_ms", ASCENDING)])
        await self._orders.create_index([("state", ASCENDING), ("received_at_ms", ASCENDING)])
        await self._orders.create_index([("received_at_ms", DESCENDING)])
        # The admin list's search is an $or: MongoDB uses indexes for it only when every
        # branch has one (_id has its own), else it reads every order.
        await self._orders.create_index([("snapshot.number", ASCENDING)])
        await self._orders.create_index([("invoice.invoice_number", ASCENDING)])

    async def load(self, order_id: str) -> OrderRecord | None:
        """The stored order, or None."""
        doc = await self._orders.find_one({"_id": order_id})
        return None if doc is None else _from_document(doc)

    async def save(self, record: OrderRecord) -> OrderRecord | None:
        """Write if nobody wrote since ``record`` was read; the saved copy, or None."""
        saved = record.replace(version=record.version + 1)
        doc = _to_document(saved)
        if record.version == 0:
            try:
                await self._orders.insert_one(doc)
            except DuplicateKeyError:
                return None
            return saved
        result = await self._orders.replace_one(
            {"_id": record.order_id, "version": record.version}, doc
        )
        return saved if result.matched_count == 1 else None

    async def change(
        self, order_id: str, mutate: Callable[[OrderRecord | None], OrderRecord | None]
    ) -> OrderRecord | None:
        """Apply ``mutate`` to the freshest copy until the write sticks; None: nothing to write."""
        for _ in range(MAX_WRITE_RACES):
            current = await self.load(order_id)
            wanted = mutate(current)
            if wanted is None:
                return None
            saved = await self.save(wanted)
            if saved is not None:
                return saved
        raise WriteContention(f"order {order_id}: {MAX_WRITE_RACES} writes in a row lost")

    async def change_fenced(
        self, order_id: str, owner: str, fence: int, mutate: Callable[[OrderRecord], OrderRecord]
    ) -> OrderRecord:
        """``change`` for the lease holder; ``LeaseLost`` when the lease moved on."""

        def guarded(current: OrderRecord | None) -> OrderRecord:
            if current is None or current.lease_owner != owner or current.fence != fence:
                raise LeaseLost(order_id)
            return mutate(current)

        saved = await self.change(order_id, guarded)
        assert saved is not None  # guarded never returns None
        return saved

    async def due(self, now_ms: int, limit: int) -> list[tuple[str, str]]:
        """(id, lane) of orders due for a sync pass and not leased, longest waiting first."""
        query = {"due_at_ms": {"$lte": now_ms}, "lease_until_ms": {"$lt": now_ms}}
        cursor = self._orders.find(query, {"_id": 1, "lane": 1})
        cursor = cursor.sort("due_at_ms", ASCENDING).limit(limit)
        return [(str(doc["_id"]), str(doc.get("lane", "LIVE"))) async for doc in cursor]

    async def missing(self, since_ms: int, now_ms: int) -> list[str]:
        """Paid orders received since ``since_ms`` still without their invoice.

        Waiting (``pending``), failed and due, or stuck in a lease that expired. Served by
        the (state, received_at_ms) index: the cost follows what is missing, not the total.
        """
        query = {"state": {"$in": list(OPEN_STATES)}, "received_at_ms": {"$gte": since_ms}}
        fields = {"_id": 1, "state": 1, "due_at_ms": 1, "lease_until_ms": 1}
        cursor = self._orders.find(query, fields)
        return [str(doc["_id"]) async for doc in cursor if _needs_a_pass(doc, now_ms)]

    async def ids_blocked_by_configuration(self) -> list[str]:
        """Orders in ``needs_attention`` that a change of the setup could unblock: taxes,
        currencies, the tax map, or the connection (a scope granted on reconnecting)."""
        query = {"state": "needs_attention", "reason_from_config": True}
        return [str(doc["_id"]) async for doc in self._orders.find(query, {"_id": 1})]

    async def ids_in_state(self, state: str) -> list[str]:
        """Every order in ``state`` (served by the state index)."""
        cursor = self._orders.find({"state": state}, {"_id": 1})
        return [str(doc["_id"]) async for doc in cursor]

    async def make_due(self, order_id: str, now_ms: int, lane: str) -> None:
        """Ask for a pass on the order in ``lane`` (the sync loop picks it up)."""
        await self.change(order_id, lambda r: r and r.replace(due_at_ms=now_ms, lane=lane))

    async def page(
        self, *, state: str | None, search: str | None, after: PageMark | None, limit: int
    ) -> list[OrderRecord]:
        """Up to ``limit`` orders, newest received first, after ``after`` (the admin list).

        Only flat conditions, no ``$or``: nx-27017 reads the whole collection for one (57 ms
        against 2 ms for a state's first page of 5,000 orders), MongoDB serves either from its
        indexes. A search asks each key on its own (exact matches: a handful of orders, cut
        here); a later page asks the orders received at the mark's moment apart.
        """
        base: Document = {} if state is None else {"state": state}
        if search is not None:
            found = [doc for key in SEARCH_KEYS for doc in await self._find({**base, key: search})]
            docs = [doc for doc in found if after is None or _before(doc, after)]
        elif after is None:
            docs = await self._find(base, limit)
        else:
            at_ms, order_id = after
            same_moment = {**base, "received_at_ms": at_ms, "_id": {"$lt": order_id}}
            docs = await self._find(same_moment, limit)
            docs += await self._find({**base, "received_at_ms": {"$lt": at_ms}}, limit)
        unique = {str(doc["_id"]): doc for doc in docs}.values()
        newest = sorted(unique, key=_page_position, reverse=True)
        return [_from_document(doc) for doc in newest[:limit]]

    async def _find(self, query: Document, limit: int = 0) -> list[Document]:
        cursor = self._orders.find(query).sort(NEWEST_FIRST).limit(limit)
        return [doc async for doc in cursor]

    async def count_by_state(self) -> dict[str, int]:
        """How many orders are in each state (grouped by the server)."""
        groups = await self._group("$state", match={})
        return {str(state): int(doc["n"]) for state, doc in groups.items() if state is not None}

    async def seen_in_snapshots(self) -> SeenInOrders:
        """The VAT rates and currencies the stored orders carry (grouped by the server)."""
        rates: set[Decimal] = set()
        for array in ("lines", "discounts"):
            unwind: list[Document] = [{"$unwind": f"$snapshot.{array}"}]
            rates.update(_rates(await self._group(f"$snapshot.{array}.tax_rate", unwind)))
        rates.update(_rates(await self._group("$snapshot.shipping.tax_rate")))
        currencies = await self._group("$snapshot.currency")
        codes = frozenset(str(code).upper() for code in currencies if code is not None)
        return SeenInOrders(frozenset(rates), codes)

    async def _group(
        self, path: str, stages: list[Document] | None = None, *, match: Document | None = None
    ) -> dict[Any, Document]:
        # One field path per $group, no dates: the form nx-27017 and MongoDB agree on.
        pipeline = [
            {"$match": {"snapshot": {"$exists": True}} if match is None else match},
            *(stages or []),
            {"$group": {"_id": path, "n": {"$sum": 1}}},
        ]
        cursor = await self._orders.aggregate(pipeline)
        return {doc["_id"]: doc async for doc in cursor}


def _page_position(doc: Document) -> tuple[int, str]:
    return int(doc.get("received_at_ms") or 0), str(doc["_id"])


def _before(doc: Document, mark: PageMark) -> bool:
    """``doc`` comes after ``mark`` in the newest-first list."""
    return _page_position(doc) < mark


def _rates(values: Any) -> set[Decimal]:
    # Snapshots keep rates as text; a server may hand a whole number back as a number.
    found = set()
    for value in values:
        if value is None:
            continue
        try:
            rate = Decimal(str(value))
        except InvalidOperation:
            continue
        if rate.is_finite():
            found.add(rate)
    return found


def _needs_a_pass(doc: Document, now_ms: int) -> bool:
    due = doc.get("due_at_ms")
    lease_until = int(doc.get("lease_until_ms", 0))
    return needs_a_pass(doc["state"], None if due is None else int(due), lease_until, now_ms)


def _to_document(record: OrderRecord) -> Document:
    doc = record.model_dump(exclude_none=True)  # absent rather than null: one type per field
    doc["_id"] = doc.pop("order_id")
    return doc


def _from_document(doc: Document) -> OrderRecord:
    values = dict(doc)
    values["order_id"] = str(values.pop("_id"))
    return OrderRecord.model_validate(values)
