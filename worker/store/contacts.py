"""Which Zoho contact a customer is: (organization, currency, email) → contact id.

A Zoho contact has one currency, so a customer buying in two currencies has
two contacts. The link remembers whether the worker created the contact or
adopted an existing one, what billing data it last wrote, and the contact as
Zoho last answered it (``last_seen``: absent on links stored before it existed).
"""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from ..sync.records import ContactLink, link_key
from .mongo import Database

CONTACT_LINKS = "contact_links"


class ContactLinks:
    """Loads and compare-and-swap writes of contact links."""

    def __init__(self, db: Database) -> None:
        self._links = db[CONTACT_LINKS]

    async def load(self, organization_id: str, email: str, currency: str) -> ContactLink | None:
        """The link, or None when the customer has no contact yet."""
        doc = await self._links.find_one({"_id": link_key(organization_id, email, currency)})
        if doc is None:
            return None
        doc.pop("_id")
        return ContactLink.model_validate(doc)

    async def save(self, link: ContactLink) -> bool:
        """Write if unchanged since read (insert when new); False on a lost race."""
        doc = {"_id": link.key, **link.model_dump(exclude_none=True), "version": link.version + 1}
        if link.version == 0:
            try:
                await self._links.insert_one(doc)
            except DuplicateKeyError:
                return False
            return True
        result = await self._links.replace_one({"_id": link.key, "version": link.version}, doc)
        return result.matched_count == 1

    async def forget(self, link: ContactLink) -> None:
        """Drop the link (its contact is gone from Zoho), if it is still the one read."""
        await self._links.delete_one({"_id": link.key, "version": link.version})
