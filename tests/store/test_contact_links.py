"""Contact links: the copy of the contact round-trips, and links stored before it existed load."""

from __future__ import annotations

from worker.domain.contact_changes import ContactSnapshot
from worker.store.contacts import CONTACT_LINKS, ContactLinks
from worker.store.mongo import Database
from worker.sync.records import ContactCopy, ContactLink

ORG, EMAIL = "20061234567", "ada@example.com"
LINK = ContactLink(
    organization_id=ORG,
    email=EMAIL,
    currency="EUR",
    contact_id="4815000000044080",
    display_name="Ada Lovelace",
    adopted=False,
    billing_fingerprint="f" * 64,
)


async def test_a_link_with_its_copy_loads_as_saved(mongo_db: Database) -> None:
    links = ContactLinks(mongo_db)
    billing = ContactSnapshot(
        billing_address={"address": "Via Roma 1", "city": "Milano", "street2": ""},
        primary_person_id="4815000000044082",
        phone="+39 02 1234567",
        other_person_ids=("4815000000044083",),
    )
    seen = ContactCopy(contact_name="Ada Lovelace", billing=billing, confirmed_ms=1_000)
    assert await links.save(LINK.model_copy(update={"last_seen": seen}))

    loaded = await links.load(ORG, EMAIL, "EUR")

    assert loaded == LINK.model_copy(update={"last_seen": seen, "version": 1})


async def test_a_link_stored_before_the_copy_existed_loads_without_one(mongo_db: Database) -> None:
    old = {"_id": LINK.key, **LINK.model_dump(exclude={"last_seen"}), "version": 3}
    await mongo_db[CONTACT_LINKS].insert_one(old)

    loaded = await ContactLinks(mongo_db).load(ORG, EMAIL, "EUR")

    assert loaded is not None
    assert loaded.last_seen is None  # the write-back reads the contact first
    assert loaded == LINK.model_copy(update={"version": 3})
