"""Zoho's taxes, currencies and contacts as the domain's views."""

from __future__ import annotations

from decimal import Decimal

from worker.domain.catalog import CurrencyInfo, TaxInfo
from worker.zoho.catalog_adapter import catalog_from, contact_snapshot
from worker.zoho.models import Contact, Currency, Organization, Tax


def test_catalog_from_zoho_rows() -> None:
    taxes = [
        Tax.model_validate(
            {"tax_id": 1, "tax_name": "IVA 22%", "tax_percentage": "22", "is_default_tax": True}
        ),
        Tax.model_validate(
            {"tax_id": "2", "tax_name": "G", "tax_percentage": 5, "tax_type": "tax_group"}
        ),
        Tax.model_validate(
            {"tax_id": "3", "tax_name": "Old", "tax_percentage": 21, "status": "inactive"}
        ),
        Tax.model_validate(
            {"tax_id": "4", "tax_name": "C", "tax_percentage": 7, "tax_type": "compound_tax"}
        ),
    ]
    currencies = [
        Currency(currency_id="c1", currency_code="EUR", is_base_currency=True),
        Currency(currency_id="c2", currency_code="JPY", price_precision=0),
    ]
    org = Organization(organization_id="o", name="Shop")
    catalog = catalog_from(taxes, currencies, org)

    assert catalog.taxes == (
        TaxInfo("1", "IVA 22%", Decimal(22), "tax", is_default=True, active=True),
        TaxInfo("2", "G", Decimal(5), "tax_group"),
        TaxInfo("3", "Old", Decimal(21), "tax", active=False),
        TaxInfo("4", "C", Decimal(7), "compound_tax"),
    )
    assert catalog.currency("jpy") == CurrencyInfo("c2", "JPY", 0)
    grouped = catalog_from(taxes, currencies, org, {"2": ["3", "4"], "1": ["missing"]})
    assert [t.components for t in grouped.taxes] == [(), (Decimal(21), Decimal(7)), (), ()]
    assert catalog.base_currency == "EUR"
    with_code = Organization(organization_id="o", name="Shop", currency_code="USD")
    assert catalog_from([], currencies, with_code).base_currency == "USD"


def test_contact_snapshot() -> None:
    contact = Contact.model_validate(
        {
            "contact_id": "k",
            "contact_name": "Ada",
            "vat_reg_no": "IT1",
            "billing_address": {"address": "Via Roma 1", "city": "Roma", "zip": ""},
            "contact_persons": [
                {"contact_person_id": "p2", "phone": "2"},
                {"contact_person_id": "p1", "phone": "1", "is_primary_contact": True},
            ],
        }
    )
    snapshot = contact_snapshot(contact, "vat_reg_no")
    assert snapshot.billing_address == {"address": "Via Roma 1", "city": "Roma", "zip": ""}
    assert (snapshot.primary_person_id, snapshot.phone) == ("p1", "1")
    assert snapshot.other_person_ids == ("p2",)
    assert snapshot.tax_id_value == "IT1"
    assert contact_snapshot(contact, None).tax_id_value is None
    bare = contact_snapshot(Contact(contact_id="k", contact_name="A", phone="9"), "gst_no")
    assert (bare.primary_person_id, bare.phone, bare.tax_id_value) == (None, "9", None)
