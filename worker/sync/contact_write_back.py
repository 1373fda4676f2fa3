"""Writing an order's billing data back to its contact (SPEC §4 "Contact") at the fewest calls.

The link keeps the contact as Zoho last answered it (``ContactCopy``: its name and billing
fields, from the create, a read or an update) and when. The changes are computed against that
copy while it is younger than ``copy_ttl_ms``:

- a contact the worker created follows the order, so the ``PUT`` (carrying the copy's name) is
  the only call; if Zoho refuses it (the name taken by another contact after a rename, a person
  gone), the contact is read and the write tried once more;
- an adopted contact only gets fields that are empty in Zoho, which only a read can tell: the
  copy can only show that nothing is left to fill (no call); anything else reads first.

Without a fresh copy (an old link, an adoption from a list row, the window passed) the contact
is read first. A contact gone from Zoho raises ``ZohoNotFound`` for the caller to heal.
"""

from __future__ import annotations

from typing import Any

import structlog

from ..clock import Clock
from ..domain.contact_changes import contact_changes
from ..domain.contact_mapping import billing_fingerprint
from ..domain.lanes import Lane
from ..events import Order
from ..zoho.catalog_adapter import contact_snapshot
from ..zoho.errors import DuplicateName, ZohoValidationError
from ..zoho.models import Contact
from .customer_lease import CustomerLease
from .ports import Books, ContactLinkStore
from .records import ContactCopy, ContactLink

log = structlog.get_logger(__name__)


class ContactWriteBack:
    """Brings a linked contact's billing fields in line with an order."""

    def __init__(
        self,
        books: Books,
        links: ContactLinkStore,
        clock: Clock,
        *,
        tax_id_field: str | None,
        copy_ttl_ms: int,
    ) -> None:
        self._books, self._links, self._clock = books, links, clock
        self._tax_id_field = tax_id_field
        self._copy_ttl_ms = copy_ttl_ms

    def copy_of(self, contact: Contact, sent_ms: int) -> ContactCopy:
        """The copy to keep of a full contact object Zoho answered (not a list row)."""
        snapshot = contact_snapshot(contact, self._tax_id_field)
        return ContactCopy(
            contact_name=contact.contact_name, billing=snapshot, confirmed_ms=sent_ms
        )

    async def write(
        self, link: ContactLink, order: Order, lane: Lane, lease: CustomerLease
    ) -> ContactLink:
        """Write what changed (if anything) and remember the order's billing data as written."""
        done = await self._from_copy(link, order, lane, lease)
        return done or await self._read_and_write(link, order, lane, lease)

    async def _from_copy(
        self, link: ContactLink, order: Order, lane: Lane, lease: CustomerLease
    ) -> ContactLink | None:
        """Done against the link's fresh copy, or None: the contact must be read first."""
        seen = self._fresh(link)
        if seen is None:
            return None
        changes = self._changes(order, seen, link)
        if changes is None:
            return await self._remember(link, order, seen, lease)
        if link.adopted:
            return None  # which fields are empty in Zoho now, only a read tells
        try:
            return await self._put(link, order, lane, lease, seen=seen, changes=changes)
        except (DuplicateName, ZohoValidationError) as refused:
            log.info("contact write from the copy refused; reading it", why=str(refused))
            return None

    def _fresh(self, link: ContactLink) -> ContactCopy | None:
        seen = link.last_seen
        if seen is None or self._clock.now_ms() - seen.confirmed_ms > self._copy_ttl_ms:
            return None
        return seen

    def _changes(self, order: Order, seen: ContactCopy, link: ContactLink) -> dict[str, Any] | None:
        return contact_changes(
            order, seen.billing, adopted=link.adopted, tax_id_field=self._tax_id_field
        )

    async def _read_and_write(
        self, link: ContactLink, order: Order, lane: Lane, lease: CustomerLease
    ) -> ContactLink:
        sent_ms = self._clock.now_ms()
        seen = self.copy_of(await self._books.contact(link.contact_id, lane), sent_ms)
        changes = self._changes(order, seen, link)
        if changes is None:
            return await self._remember(link, order, seen, lease)
        return await self._put(link, order, lane, lease, seen=seen, changes=changes)

    async def _put(
        self,
        link: ContactLink,
        order: Order,
        lane: Lane,
        lease: CustomerLease,
        *,
        seen: ContactCopy,
        changes: dict[str, Any],
    ) -> ContactLink:
        """``PUT`` the changes with the name ``seen`` last (Zoho requires the current name)."""
        await lease.guard()
        sent_ms = self._clock.now_ms()
        current = Contact(contact_id=link.contact_id, contact_name=seen.contact_name)
        answer = await self._books.update_contact(current, changes, lane)
        return await self._remember(link, order, self.copy_of(answer, sent_ms), lease)

    async def _remember(
        self, link: ContactLink, order: Order, seen: ContactCopy, lease: CustomerLease
    ) -> ContactLink:
        update = {"billing_fingerprint": billing_fingerprint(order), "last_seen": seen}
        updated = link.model_copy(update=update)
        await lease.guard()
        await self._links.save(updated)
        return updated
