"""Zoho's answers as the domain's views: taxes and currencies as a ``Catalog``, a contact as a
``ContactSnapshot`` (what the contact write-back compares)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from worker.domain.catalog import Catalog, CurrencyInfo, TaxInfo, TaxKind
from worker.domain.contact_changes import ContactSnapshot

from .models import Contact, Currency, Organization, Tax

_KINDS: dict[str, TaxKind] = {"tax_group": "tax_group", "compound_tax": "compound_tax"}


def tax_info(tax: Tax, components: tuple[Decimal, ...] = ()) -> TaxInfo:
    """One row of ``/settings/taxes``; an unknown ``tax_type`` counts as a single tax."""
    return TaxInfo(
        tax_id=tax.tax_id,
        name=tax.tax_name,
        percentage=tax.tax_percentage,
        kind=_KINDS.get(tax.tax_type, "tax"),
        is_default=tax.is_default_tax,
        active=tax.is_active,
        components=components,
    )


def _components(
    tax: Tax, by_id: Mapping[str, Tax], members: Mapping[str, Sequence[str]]
) -> tuple[Decimal, ...]:
    """A group's member percentages, when every member is known; else () (the whole rate)."""
    found = [by_id.get(member_id) for member_id in members.get(tax.tax_id, ())]
    if not found or any(member is None for member in found):
        return ()
    return tuple(member.tax_percentage for member in found if member is not None)


def currency_info(currency: Currency) -> CurrencyInfo:
    """One row of ``/settings/currencies``."""
    return CurrencyInfo(currency.currency_id, currency.currency_code, currency.price_precision)


def catalog_from(
    taxes: Iterable[Tax],
    currencies: Iterable[Currency],
    organization: Organization,
    group_members: Mapping[str, Sequence[str]] | None = None,
) -> Catalog:
    """The organization's setup for the mapping; the base currency from the organization.

    ``group_members`` (tax group id -> member tax ids, e.g. from
    ``/settings/taxgroups/{id}``) lets totals round per member as Zoho does.
    """
    tax_rows = tuple(taxes)
    by_id = {t.tax_id: t for t in tax_rows}
    members = group_members or {}
    rows = tuple(currencies)
    base = organization.currency_code or next(
        (c.currency_code for c in rows if c.is_base_currency), ""
    )
    return Catalog(
        taxes=tuple(tax_info(t, _components(t, by_id, members)) for t in tax_rows),
        currencies=tuple(currency_info(c) for c in rows),
        base_currency=base,
        time_zone=organization.time_zone,
        plan_name=organization.plan_name,
    )


def contact_snapshot(contact: Contact, tax_id_field: str | None) -> ContactSnapshot:
    """What a read contact holds of the fields the sync writes back."""
    people = contact.contact_persons
    primary = next((p for p in people if p.is_primary_contact), people[0] if people else None)
    address = contact.billing_address
    billing = address.model_dump(exclude_none=True) if address else {}
    tax_value = getattr(contact, tax_id_field, None) if tax_id_field else None
    return ContactSnapshot(
        billing_address={key: str(value) for key, value in billing.items()},
        primary_person_id=primary.contact_person_id if primary else None,
        phone=primary.phone if primary else contact.phone,
        other_person_ids=tuple(
            p.contact_person_id for p in people if p is not primary and p.contact_person_id
        ),
        tax_id_value=tax_value if isinstance(tax_value, str) else None,
    )
