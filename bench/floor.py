"""The write floor of a workload: the Zoho writes a perfect worker must make, and no more.

Counted from what is published, not from what a worker did, so it is the same
for every worker and every run of one workload:

- ``invoices.create``: one per *invoiced order*, an order whose invoice must
  exist when some phase has settled (paid, and not deleted or cancelled in the
  same phase). An order paid and deleted within one burst needs none.
- ``invoices.update``: one per invoiced order whose invoice content (its lines)
  changed after the invoice was created, however many revisions brought it.
- ``invoices.delete``: one per invoiced order deleted or cancelled afterwards.
- ``contacts.create``: one per new customer, that is per (lower-cased email,
  currency) among the invoiced orders. Creates Zoho refuses for a taken display
  name (3062) are not in the floor: they are counted apart.
- ``contacts.update``: one per billing change: taking the paid events of the
  invoiced orders in the order they were published (stale revisions skipped),
  each event whose billing data would change the customer's contact under
  SPEC §4's write-back rules (``worker.domain.contact_changes``: the address as
  a whole, the phone and the VAT number when given) counts one.

No read is in the floor: a perfect worker knows what Zoho holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from tests.support.workload import Publication, Workload
from worker.domain.contact_changes import ContactSnapshot, contact_changes
from worker.domain.contact_fields import billing_fields, tax_number
from worker.domain.contact_mapping import contact_key
from worker.domain.ordering import Stamp, Stored, accepts, cancels, is_paid_status
from worker.events import Order, parse_event

NOT_INVOICED = frozenset({"deleted_at_once", "pending_only"})
UPDATED = frozenset({"updated_after_paid"})
DELETED = frozenset({"deleted_after_paid", "cancelled_after_paid"})
TAX_ID_FIELD = "vat_reg_no"  # the worker's default (ContactResolver)


@dataclass(frozen=True)
class WriteFloor:
    """The writes by request class."""

    by_class: dict[str, int]

    @property
    def total(self) -> int:
        """Every write of the floor."""
        return sum(self.by_class.values())


def write_floor(workload: Workload) -> WriteFloor:
    """The floor of ``workload`` (see the module docstring)."""
    orders = workload.expected.values()
    invoiced = {o.order_id for o in orders if o.lifecycle not in NOT_INVOICED}
    lifecycles = Counter(o.lifecycle for o in orders if o.order_id in invoiced)
    contacts = {o.contact_key for o in orders if o.order_id in invoiced}
    return WriteFloor(
        {
            "invoices.create": len(invoiced),
            "invoices.update": sum(lifecycles[name] for name in UPDATED),
            "invoices.delete": sum(lifecycles[name] for name in DELETED),
            "contacts.create": len(contacts),
            "contacts.update": _billing_changes(workload.publications, invoiced),
        }
    )


def _billing_changes(publications: tuple[Publication, ...], invoiced: set[str]) -> int:
    stored: dict[str, Stored] = {}
    paid: set[str] = set()
    contacts: dict[tuple[str, str], ContactSnapshot] = {}
    changes = 0
    for publication in publications:
        if publication.order_id not in invoiced:
            continue
        event = parse_event(publication.body)
        stamp = Stamp(event.order.revision, int(event.time.timestamp() * 1000))
        is_delete = event.type == "order.deleted"
        if not accepts(stored.get(event.order_id), stamp, is_delete=is_delete):
            continue
        order = event.order
        stored[event.order_id] = Stored(stamp, is_delete or _cancelled(order))
        if not isinstance(order, Order) or stored[event.order_id].deleted:
            continue
        if event.type == "order.paid" or is_paid_status(order.status):
            paid.add(event.order_id)
        if event.order_id not in paid:
            continue
        key = contact_key(order)
        if key not in contacts:
            contacts[key] = _created(order)
        elif wanted := contact_changes(
            order, contacts[key], adopted=False, tax_id_field=TAX_ID_FIELD
        ):
            contacts[key] = _written(contacts[key], wanted)
            changes += 1
    return changes


def _cancelled(order: object) -> bool:
    return isinstance(order, Order) and cancels(order.status)


def _created(order: Order) -> ContactSnapshot:
    """The contact as the create leaves it."""
    return ContactSnapshot(
        billing_address=billing_fields(order.billing_address),
        phone=order.customer.phone,
        tax_id_value=tax_number(order.customer),
    )


def _written(current: ContactSnapshot, changes: dict[str, Any]) -> ContactSnapshot:
    """The contact after a write-back of ``changes``."""
    persons = changes.get("contact_persons") or [{}]
    return ContactSnapshot(
        billing_address=changes.get("billing_address", current.billing_address),
        phone=persons[0].get("phone", current.phone),
        tax_id_value=changes.get(TAX_ID_FIELD, current.tax_id_value),
    )
