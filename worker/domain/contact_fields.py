"""The order's billing data in Zoho's contact field names (SPEC §4 table)."""

from __future__ import annotations

import pycountry

from worker.events import Address, Customer

ADDRESS_FIELDS = ("address", "street2", "city", "zip", "state", "country")


def country_name(alpha_2: str) -> str:
    """The country's English name ("IT" -> "Italy"); the common name where ISO's is formal.

    A code ISO does not know (e.g. "XK") is passed through unchanged.
    """
    country = pycountry.countries.get(alpha_2=alpha_2.upper())
    if country is None:
        return alpha_2
    return str(getattr(country, "common_name", None) or country.name)


def tax_number(customer: Customer) -> str | None:
    """The customer's VAT number, else their tax code."""
    return customer.vat_number or customer.tax_code


def billing_fields(address: Address | None) -> dict[str, str]:
    """The billing address as Zoho names it (missing fields empty); {} when it has none."""
    if address is None:
        return {}
    values = (
        address.line1,
        address.line2,
        address.city,
        address.postcode,
        address.region,
        country_name(address.country) if address.country else None,
    )
    if not any(values):
        return {}
    return {key: value or "" for key, value in zip(ADDRESS_FIELDS, values, strict=True)}
