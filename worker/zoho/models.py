"""What the sync reads back from Zoho, typed: ids as strings, money as ``Decimal``.

Zoho's documentation prints ids as bare numbers and types some amounts as
strings; these models accept either and keep only the fields the sync uses
(Zoho's objects carry many more, which are ignored).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class ZohoModel(BaseModel):
    """Lenient about extra fields and number-or-string ids; frozen."""

    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class Organization(ZohoModel):
    """An organization visible to the token."""

    organization_id: str
    name: str
    currency_id: str | None = None
    currency_code: str | None = None
    time_zone: str | None = None
    price_precision: int = 2
    plan_name: str | None = None
    is_default_org: bool = False


class Currency(ZohoModel):
    """A currency enabled in the organization."""

    currency_id: str
    currency_code: str
    price_precision: int = 2
    is_base_currency: bool = False


class Tax(ZohoModel):
    """A tax, compound tax or tax group from ``/settings/taxes``."""

    tax_id: str
    tax_name: str
    tax_percentage: Decimal
    tax_type: str = "tax"
    is_default_tax: bool = False
    is_inactive: bool = False
    status: str | None = None

    @property
    def is_active(self) -> bool:
        """Usable on an invoice line."""
        return not self.is_inactive and (self.status is None or self.status.lower() == "active")


class ContactPerson(ZohoModel):
    """A person on a contact; the primary one carries the contact's email."""

    contact_person_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    is_primary_contact: bool = False


class Address(ZohoModel):
    """A billing or shipping address as Zoho holds it."""

    attention: str | None = None
    address: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None


class Contact(ZohoModel):
    """A contact as listed or read; list rows carry fewer fields than a full read."""

    contact_id: str
    contact_name: str
    company_name: str | None = None
    email: str | None = None
    phone: str | None = None
    currency_id: str | None = None
    currency_code: str | None = None
    billing_address: Address | None = None
    contact_persons: tuple[ContactPerson, ...] = ()
    vat_reg_no: str | None = None

    def primary_email(self) -> str | None:
        """The email of the primary contact person, else the list row's email."""
        for person in self.contact_persons:
            if person.is_primary_contact and person.email:
                return person.email
        return self.email


class LineItem(ZohoModel):
    """A line of an invoice."""

    line_item_id: str | None = None
    name: str | None = None
    description: str | None = None
    rate: Decimal = Decimal(0)
    quantity: Decimal = Decimal(1)
    tax_id: str | None = None
    item_order: int | None = None
    item_total: Decimal | None = None


class Invoice(ZohoModel):
    """An invoice as listed (no lines) or read (with lines)."""

    invoice_id: str
    invoice_number: str
    status: str
    customer_id: str | None = None
    reference_number: str | None = None
    date: str | None = None
    currency_id: str | None = None
    currency_code: str | None = None
    total: Decimal = Decimal(0)
    sub_total: Decimal | None = None
    tax_total: Decimal | None = None
    adjustment: Decimal | None = None
    created_time: str | None = None  # e.g. 2024-03-01T10:16:05+0100
    line_items: tuple[LineItem, ...] = Field(default=())

    @property
    def created_ms(self) -> int | None:
        """``created_time`` as epoch milliseconds; None when absent or unreadable."""
        if not self.created_time:
            return None
        try:
            moment = datetime.fromisoformat(self.created_time)
        except ValueError:
            return None
        return int(moment.timestamp() * 1000) if moment.tzinfo else None

    @property
    def is_draft(self) -> bool:
        """Automatic paths may change only drafts."""
        return self.status == "draft"


class CustomField(ZohoModel):
    """An invoice custom field from ``/settings/fields`` (its list form is UNVERIFIED)."""

    customfield_id: str
    api_name: str
    label: str = ""
    is_active: bool = True
    is_unique: bool | None = None  # None: the list does not say
