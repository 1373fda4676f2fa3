"""Invoice custom fields: their definitions, the values invoices carry, unique values.

The organization's fields are ``config.invoice_custom_fields``. A body's
``custom_fields`` entries name a field by ``customfield_id`` (Z-OAS) or by
``api_name`` (what FLEX sends); an unknown field is "Invalid value passed for
custom_fields". A write keeps the invoice's other values. A value already on
another invoice in a field marked unique is refused with
``config.duplicate_custom_field_code`` (UNVERIFIED); values are compared
ignoring case and surrounding blanks, like invoice numbers, and empty values
never collide.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from .config import InvoiceCustomField, SandboxConfig
from .envelope import ZohoError, invalid_value
from .store import JsonObject, OrgBooks


def field_id(organization_id: str, api_name: str) -> str:
    """A stable digit-string ``customfield_id`` for a field of an organization."""
    digest = int(hashlib.sha256(api_name.encode()).hexdigest()[:12], 16) % 10**11
    return f"{organization_id[-7:]:0>7}9{digest:011d}"


def label_of(field: InvoiceCustomField) -> str:
    """The field's label: the configured one, else made from its api name."""
    return field.label or field.api_name.removeprefix("cf_").replace("_", " ").title()


def definition(organization_id: str, field: InvoiceCustomField) -> JsonObject:
    """The field as the settings list shows it."""
    return {
        "customfield_id": field_id(organization_id, field.api_name),
        "api_name": field.api_name,
        "label": label_of(field),
        "data_type": "string",
        "entity": "invoice",
        "is_active": True,
        "is_mandatory": False,
        "show_on_pdf": False,
        "is_unique": field.unique,
    }


def named(config: SandboxConfig, api_name: str) -> InvoiceCustomField | None:
    """The invoice field with ``api_name``, if the organization has one."""
    return next((f for f in config.invoice_custom_fields if f.api_name == api_name), None)


def merged(
    config: SandboxConfig, books: OrgBooks, given: object, existing: JsonObject | None
) -> list[JsonObject]:
    """The invoice's values after a write: the stored ones, with ``given`` laid over them."""
    values = {cf["api_name"]: cf for cf in (existing or {}).get("custom_fields", [])}
    if given is not None:
        if not isinstance(given, list) or not all(isinstance(e, dict) for e in given):
            raise invalid_value("custom_fields")
        for entry in given:
            field = _field_of(config, books.organization_id, entry)
            values[field.api_name] = _stored(books.organization_id, field, entry.get("value"))
    own_id = existing["invoice_id"] if existing else None
    for api_name, stored in values.items():
        unique = named(config, api_name)
        if unique is not None and unique.unique:
            _refuse_taken(config, books, unique, stored["value"], own_id)
    return list(values.values())


def invoice_with(books: OrgBooks, api_name: str, value: str) -> JsonObject | None:
    """The invoice whose field ``api_name`` holds ``value``, if any."""
    key = _key(value)
    return next(
        (
            invoice
            for invoice in books.invoices.values()
            if key and any(_holds(cf, api_name, key) for cf in invoice.get("custom_fields", []))
        ),
        None,
    )


def _field_of(config: SandboxConfig, org_id: str, entry: JsonObject) -> InvoiceCustomField:
    for field in config.invoice_custom_fields:
        by_id = entry.get("customfield_id") == field_id(org_id, field.api_name)
        if by_id or entry.get("api_name") == field.api_name:
            return field
    raise invalid_value("custom_fields")


def _stored(org_id: str, field: InvoiceCustomField, value: object) -> JsonObject:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise invalid_value("custom_fields")
    return {
        "customfield_id": field_id(org_id, field.api_name),
        "api_name": field.api_name,
        "label": label_of(field),
        "data_type": "string",
        "value": str(value),
    }


def _refuse_taken(
    config: SandboxConfig,
    books: OrgBooks,
    field: InvoiceCustomField,
    value: str,
    own_id: str | None,
) -> None:
    holder = invoice_with(books, field.api_name, value)
    if holder is not None and holder["invoice_id"] != own_id:
        raise ZohoError(
            400,
            config.duplicate_custom_field_code,
            f"The value {value} already exists for {label_of(field)}. Please enter a unique value.",
        )


def _holds(stored: JsonObject, api_name: str, key: str) -> bool:
    return stored.get("api_name") == api_name and _key(str(stored.get("value", ""))) == key


def _key(value: str) -> str:
    return value.strip().casefold()
