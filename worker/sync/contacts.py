"""Finding or creating the customer's Zoho contact (SPEC §4 "Contact").

A known customer whose billing data did not change costs no Zoho call. Anything
else happens under a per-customer lease (``customer_lease``: renewed while held,
checked before every write), so two replicas never create two contacts for one
customer: search by email (case-insensitively, same currency), else create —
only when Zoho refuses the name (3062) search by that display name (adopted only
if its email is empty or equal), else try "Name (email)" and "Name (email, CUR)".
Billing changes are written back field by field, never the name (``contact_write_back``); a
contact found gone from Zoho on that write is forgotten and found or created again at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog

from ..clock import Clock
from ..domain.catalog import Catalog
from ..domain.contact_mapping import (
    billing_fingerprint,
    contact_key,
    display_name,
    name_with_email,
    name_with_email_and_currency,
    new_contact_payload,
)
from ..domain.lanes import Lane
from ..domain.problems import MappingProblem
from ..events import Order
from ..zoho.errors import DuplicateName, ZohoNotFound
from ..zoho.models import Contact
from .contact_write_back import ContactWriteBack
from .customer_lease import CustomerLease
from .ports import Books, ContactLinkStore, LeaseStore
from .records import ContactCopy, ContactLink

log = structlog.get_logger(__name__)


class ContactResolver:
    """The customer → contact step of every paid order."""

    def __init__(
        self,
        books: Books,
        links: ContactLinkStore,
        leases: LeaseStore,
        clock: Clock,
        *,
        owner: str,
        tax_id_field: str | None = "vat_reg_no",
        lease_ttl_ms: int = 30_000,
        wait_ms: int = 20_000,
        copy_ttl_ms: int = 600_000,
    ) -> None:
        self._books, self._links, self._leases, self._clock = books, links, leases, clock
        self._owner = owner
        self._tax_id_field = tax_id_field
        self._write_back = ContactWriteBack(
            books, links, clock, tax_id_field=tax_id_field, copy_ttl_ms=copy_ttl_ms
        )
        self._lease_ttl_ms = lease_ttl_ms
        self._wait_ms = wait_ms
        self._local = KeyedLocks()

    async def resolve(self, order: Order, catalog: Catalog, lane: Lane) -> str:
        """The contact id for ``order``'s customer, creating or updating the contact if needed."""
        email, currency = contact_key(order)
        org = self._books.organization_id
        link = await self._links.load(org, email, currency)
        if link is not None and link.billing_fingerprint == billing_fingerprint(order):
            return link.contact_id
        async with self._customer_lease(f"customer:{org}:{email}") as lease:
            return await lease.keep(self._resolve_held(order, catalog, lane, lease))

    async def heal(self, order: Order, lane: Lane) -> bool:
        """After Zoho refused a write naming the customer: True when the linked contact is
        gone (deleted or merged in Zoho) and the link was dropped, so the next resolve
        finds or creates the contact again."""
        email, currency = contact_key(order)
        link = await self._links.load(self._books.organization_id, email, currency)
        if link is None:
            return False
        try:
            await self._books.contact(link.contact_id, lane)
        except ZohoNotFound:
            await self._links.forget(link)
            log.warning("contact gone from Zoho; link dropped", contact_id=link.contact_id)
            return True
        return False

    async def _resolve_held(
        self, order: Order, catalog: Catalog, lane: Lane, lease: CustomerLease
    ) -> str:
        email, currency = contact_key(order)
        link = await self._links.load(self._books.organization_id, email, currency)
        if link is None:
            link = await self._find_or_create(order, catalog, lane, lease)
        try:
            return await self._billed(link, order, lane, lease)
        except ZohoNotFound:
            # Deleted or merged in Zoho: the customer's contact is found or created again.
            log.warning("contact gone from Zoho; link dropped", contact_id=link.contact_id)
            await lease.guard()
            await self._links.forget(link)
            link = await self._find_or_create(order, catalog, lane, lease)
            return await self._billed(link, order, lane, lease)

    async def _billed(
        self, link: ContactLink, order: Order, lane: Lane, lease: CustomerLease
    ) -> str:
        """The contact id, once the contact carries the order's billing data."""
        if link.billing_fingerprint != billing_fingerprint(order):
            link = await self._write_back.write(link, order, lane, lease)
        return link.contact_id

    @asynccontextmanager
    async def _customer_lease(self, name: str) -> AsyncIterator[CustomerLease]:
        # The lease is per replica, so tasks of this process queue on a lock first.
        async with self._local.hold(name):
            lease = await CustomerLease.take(
                self._leases,
                self._clock,
                name,
                self._owner,
                ttl_ms=self._lease_ttl_ms,
                wait_ms=self._wait_ms,
            )
            try:
                yield lease
            finally:
                await lease.release()

    async def _find_or_create(
        self, order: Order, catalog: Catalog, lane: Lane, lease: CustomerLease
    ) -> ContactLink:
        currency = catalog.currency(order.currency)
        if currency is None:
            raise MappingProblem(
                "currency_not_enabled",
                f"the currency {order.currency} is not enabled in Zoho Books",
            )
        found = await self._by_email(order, currency.currency_id, lane)
        if found is not None:
            return await self._link(order, found, lease, adopted=True)
        sent_ms = self._clock.now_ms()
        contact, adopted = await self._create(order, currency.currency_id, lane, lease)
        if adopted:  # a list row: no address or people to keep a copy of
            return await self._link(order, contact, lease, adopted=True)
        seen = self._write_back.copy_of(contact, sent_ms)
        return await self._link(order, contact, lease, adopted=False, seen=seen)

    async def _by_email(self, order: Order, currency_id: str, lane: Lane) -> Contact | None:
        email, code = contact_key(order)
        for contact in await self._books.contacts_by_email(email, lane):
            if _same_currency(contact, code, currency_id):
                return contact
        return None

    async def _by_name(
        self, name: str, order: Order, currency_id: str, lane: Lane
    ) -> Contact | None:
        """The contact holding ``name``, if it may be this customer's: no email, or theirs."""
        email, code = contact_key(order)
        for contact in await self._books.contacts_by_name(name, lane):
            mail = (contact.email or "").casefold()
            if mail in ("", email) and _same_currency(contact, code, currency_id):
                return contact
        return None

    async def _create(
        self, order: Order, currency_id: str, lane: Lane, lease: CustomerLease
    ) -> tuple[Contact, bool]:
        """The created contact (False), or one adopted after Zoho refused its name (True).

        The name is looked up only after Zoho's 3062: a new customer costs one search by
        email and the create.
        """
        email, code = contact_key(order)
        name = display_name(order.customer)
        for candidate in (
            name,
            name_with_email(name, email),
            name_with_email_and_currency(name, email, code),
        ):
            payload = new_contact_payload(order, currency_id, candidate, self._tax_id_field)
            await lease.guard()
            try:
                return await self._books.create_contact(payload, lane), False
            except DuplicateName:
                holder = await self._by_name(candidate, order, currency_id, lane)
                if holder is not None:
                    return holder, True
        raise DuplicateName(f"no free display name for {name} ({email}) in Zoho")

    async def _link(
        self,
        order: Order,
        contact: Contact,
        lease: CustomerLease,
        *,
        adopted: bool,
        seen: ContactCopy | None = None,
    ) -> ContactLink:
        """Store the link; a created contact (``seen``: its create answer) carries the order's
        billing data already, an adopted one has none written yet."""
        email, currency = contact_key(order)
        link = ContactLink(
            organization_id=self._books.organization_id,
            email=email,
            currency=currency,
            contact_id=contact.contact_id,
            display_name=contact.contact_name,
            adopted=adopted,
            billing_fingerprint=None if adopted else billing_fingerprint(order),
            last_seen=seen,
        )
        await lease.guard()
        if not await self._links.save(link):
            stored = await self._links.load(link.organization_id, email, currency)
            assert stored is not None  # a lost insert race means someone stored it
            return stored
        return link.model_copy(update={"version": 1})


class KeyedLocks:
    """One ``asyncio.Lock`` per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the key's lock for the block."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


def _same_currency(contact: Contact, code: str, currency_id: str) -> bool:
    if contact.currency_id:
        return contact.currency_id == currency_id
    return (contact.currency_code or code) == code
