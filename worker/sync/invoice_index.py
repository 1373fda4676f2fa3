"""Which invoices exist in Zoho, per organization, so a first create needs no lookup (SPEC §3).

The index holds every invoice the worker created and every one it read in
Zoho's list. A process trusts it for a create only after it has *checked* it
against Zoho: read the list newest first down to the mark an earlier check
left, recording every invoice on the way. A database that is behind Zoho
(new, or restored from a backup) has an older mark or none, so the check reads
further back and brings in what the database missed before anything relies on
it. The check runs when the process starts and on every reconciler pass; until
it has succeeded here (Zoho unreachable, another replica importing), creates
look the reference up in Zoho as before. A first import (no mark yet) is one
replica's at a time (a lease); the others check afterwards, from its mark.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

from ..clock import Clock
from ..domain.lanes import Lane
from ..zoho.models import Invoice
from .ports import Books, InvoiceIndexStore, LeaseStore
from .records import IndexedInvoice, IndexMark

log = structlog.get_logger(__name__)
MAX_RETRY_S = 60.0
IMPORT_POLL_S = 0.1  # while another replica imports, this one's creates look up in Zoho


@dataclass(frozen=True)
class CheckResult:
    """What one check read: pages, invoices, and those the index did not know."""

    pages: int
    read: int
    unknown: int  # created outside the worker, or the database was behind Zoho
    first_import: bool


class InvoiceIndex:
    """The index of one organization, as this process sees it."""

    def __init__(
        self,
        books: Books,
        store: InvoiceIndexStore,
        leases: LeaseStore,
        clock: Clock,
        *,
        owner: str,
        overlap_ms: int,
        lease_ttl_ms: int = 30_000,
    ) -> None:
        self._books, self._store, self._leases, self._clock = books, store, leases, clock
        self._owner, self._overlap_ms, self._lease_ttl_ms = owner, overlap_ms, lease_ttl_ms
        self._checked = False
        self._underway = False  # a first check runs here, or waits for another replica's import
        self._checking = asyncio.Lock()  # the start check and a reconciler pass: one at a time
        self._checks = 0
        self._last: CheckResult | None = None

    @property
    def checked(self) -> bool:
        """Whether this process has checked the index against Zoho since it started."""
        return self._checked

    @property
    def underway(self) -> bool:
        """Whether the first check is being made: a create had better wait than look up."""
        return self._underway and not self._checked

    async def find(self, reference: str) -> list[Invoice]:
        """The invoices the index knows with ``reference`` (no Zoho call)."""
        known = await self._store.by_reference(self._books.organization_id, reference)
        return [_as_invoice(entry) for entry in known]

    async def remember(self, invoice: Invoice, reference: str) -> None:
        """The worker created ``invoice`` with ``reference``."""
        await self._store.add([_entry(self._books.organization_id, invoice, reference)])

    async def forget(self, invoice_id: str) -> None:
        """The invoice is gone from Zoho."""
        await self._store.forget(self._books.organization_id, invoice_id)

    async def agree(self, reference: str, found: list[Invoice]) -> None:
        """After a lookup in Zoho: the index holds exactly what Zoho showed for ``reference``."""
        org = self._books.organization_id
        shown = {invoice.invoice_id for invoice in found}
        for stale in await self._store.by_reference(org, reference):
            if stale.invoice_id not in shown:
                await self._store.forget(org, stale.invoice_id)
        await self._store.add([_entry(org, invoice, reference) for invoice in found])

    async def check(self, lane: Lane) -> CheckResult | None:
        """Read Zoho's newest invoices down to the mark; None while another replica imports.

        A check that finished while this call waited for it counts as this one.
        """
        checks = self._checks
        async with self._checking:
            if self._checks > checks:
                return self._last
            result = await self._check(lane)
            if result is not None:
                self._checks, self._last = self._checks + 1, result
                _log(result)
            return result

    async def _check(self, lane: Lane) -> CheckResult | None:
        org = self._books.organization_id
        mark = await self._store.mark(org)
        if mark is not None:
            result = await self._read(lane, mark, renew=None)
            self._checked = True
            return result
        # A first import reads the whole list: one replica at a time.
        name = f"invoice-index:{org}"
        fence = await self._leases.acquire(
            name, self._owner, self._lease_ttl_ms, self._clock.now_ms()
        )
        if fence is None:
            return None

        async def renew() -> None:
            now = self._clock.now_ms()
            await self._leases.renew(name, self._owner, fence, self._lease_ttl_ms, now)

        try:
            result = await self._read(lane, await self._store.mark(org), renew=renew)
            self._checked = True
        finally:
            await self._leases.release(name, self._owner)
        return result

    async def check_until_done(self, lane: Lane) -> None:
        """At start: check, retrying while another replica imports or Zoho fails (backing off)."""
        failures = 0
        while not self._checked:
            self._underway = True
            try:
                busy = await self.check(lane) is None
            except Exception as exc:  # creates look up meanwhile; the check is retried
                log.warning("invoice index check failed", error=type(exc).__name__)
                busy, failures = False, failures + 1
            self._underway = busy
            if not self._checked:
                await self._clock.sleep(IMPORT_POLL_S if busy else min(2.0**failures, MAX_RETRY_S))
        self._underway = False

    async def _read(
        self, lane: Lane, mark: IndexMark | None, renew: Callable[[], Awaitable[None]] | None
    ) -> CheckResult:
        org = self._books.organization_id
        through = mark.through_ms if mark is not None else None
        newest: int | None = None
        pages = read = unknown = 0
        async for page in self._books.invoices_newest_first(lane):
            pages += 1
            fresh = [i for i in page if through is None or (i.created_ms or through) >= through]
            newest = max([newest or 0, *(i.created_ms or 0 for i in fresh)]) or None
            entries = [_entry(org, i, i.reference_number) for i in fresh if i.reference_number]
            unknown += await self._store.add(entries)
            read += len(fresh)
            if len(fresh) < len(page):
                break  # the rest is older than the mark: read before
            if renew is not None:
                await renew()
        # Zoho's list can lag: the next check reads again from a little before the newest seen.
        new_through = through if newest is None else newest - self._overlap_ms
        await self._store.save_mark(IndexMark(organization_id=org, through_ms=new_through))
        return CheckResult(pages, read, unknown, first_import=mark is None)


def _log(result: CheckResult) -> None:
    if result.first_import:
        log.info("invoice index imported", pages=result.pages, invoices=result.read)
    elif result.unknown:
        log.warning(
            "Zoho holds invoices the database did not know (created outside the worker, or the "
            "database is behind Zoho); indexed before any create",
            unknown=result.unknown,
            pages=result.pages,
        )


def _entry(organization_id: str, invoice: Invoice, reference: str) -> IndexedInvoice:
    return IndexedInvoice(
        organization_id=organization_id,
        invoice_id=invoice.invoice_id,
        invoice_number=invoice.invoice_number,
        reference=reference,
        status=invoice.status,
        total=str(invoice.total),
        created_ms=invoice.created_ms,
    )


def _as_invoice(entry: IndexedInvoice) -> Invoice:
    return Invoice(
        invoice_id=entry.invoice_id,
        invoice_number=entry.invoice_number,
        status=entry.status,
        reference_number=entry.reference,
        total=entry.total,
    )
