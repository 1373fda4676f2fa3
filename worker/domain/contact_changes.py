"""What to write back to an existing contact when the order's billing data changed.

Only the fields of SPEC §4's table: billing address, the primary person's phone,
the organization's tax-id field; never the name (nor the company, set on create
only). A contact the worker created follows the order (a field the order leaves
out of its address is cleared, since the address is one whole); an adopted one
only gets fields that are empty in Zoho. Zoho replaces a contact's address and
person list as wholes, so a change sends the whole merged address and every
person id (others unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from worker.events import Order

from .contact_fields import ADDRESS_FIELDS, billing_fields, tax_number


@dataclass(frozen=True)
class ContactSnapshot:
    """The parts of a Zoho contact the write-back compares (read from Zoho)."""

    billing_address: dict[str, str] = field(default_factory=dict)
    primary_person_id: str | None = None
    phone: str | None = None
    other_person_ids: tuple[str, ...] = ()
    tax_id_value: str | None = None


def contact_changes(
    order: Order, current: ContactSnapshot, *, adopted: bool, tax_id_field: str | None
) -> dict[str, Any] | None:
    """The fields to ``PUT`` so the contact carries the order's billing data; None if none."""
    changes: dict[str, Any] = {}
    wanted = billing_fields(order.billing_address)
    if wanted and (address := _address(wanted, current.billing_address, adopted=adopted)):
        changes["billing_address"] = address
    if phone := _new_value(order.customer.phone, current.phone, adopted=adopted):
        changes["contact_persons"] = _persons(order, current, phone)
    number = tax_number(order.customer)
    if tax_id_field and (value := _new_value(number, current.tax_id_value, adopted=adopted)):
        changes[tax_id_field] = value
    return changes or None


def _address(
    wanted: dict[str, str], current: dict[str, str], *, adopted: bool
) -> dict[str, str] | None:
    """The whole address to send (Zoho's other address keys kept), or None if unchanged."""
    now = {key: current.get(key) or "" for key in ADDRESS_FIELDS}
    if adopted:
        merged = {key: now[key] or wanted.get(key, "") for key in ADDRESS_FIELDS}
    else:
        merged = {key: wanted.get(key, "") for key in ADDRESS_FIELDS}
    return {**current, **merged} if merged != now else None


def _new_value(wanted: str | None, current: str | None, *, adopted: bool) -> str | None:
    """``wanted`` when it should replace ``current``; the order never clears these."""
    if not wanted or wanted == (current or ""):
        return None
    if adopted and current:
        return None
    return wanted


def _persons(order: Order, current: ContactSnapshot, phone: str) -> list[dict[str, Any]]:
    """The person list: the primary with the new phone, every other person kept by id."""
    primary: dict[str, Any] = {"phone": phone, "is_primary_contact": True}
    if current.primary_person_id:
        primary["contact_person_id"] = current.primary_person_id
    else:
        customer = order.customer
        primary.update(email=customer.email, first_name=customer.first_name or "")
        primary["last_name"] = customer.last_name or ""
    others = [{"contact_person_id": person_id} for person_id in current.other_person_ids]
    return [primary, *others]
