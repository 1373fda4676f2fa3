"""The customer as a Zoho contact (SPEC §4 "Contact"): key, names, create body, write-back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.mapping import order
from worker.domain.contact_mapping import (
    NAME_LIMIT,
    ContactSnapshot,
    billing_fingerprint,
    contact_changes,
    contact_key,
    country_name,
    display_name,
    name_with_email,
    name_with_email_and_currency,
    new_contact_payload,
)
from worker.events import Customer, Order

ROME = {
    "line1": "Via Roma 1",
    "line2": "Scala B",
    "city": "Roma",
    "postcode": "00100",
    "region": "RM",
    "country": "IT",
    "company": "Lovelace SRL",
}
ZOHO_ROME = {
    "address": "Via Roma 1",
    "street2": "Scala B",
    "city": "Roma",
    "zip": "00100",
    "state": "RM",
    "country": "Italy",
}


def _customer(**fields: Any) -> Customer:
    return Customer.model_validate({"email": "ada@example.com", **fields})


def _billed(**customer: Any) -> Order:
    person = {"email": "Ada@Example.com", "first_name": "Ada", "last_name": "Lovelace"}
    return order(customer={**person, **customer}, billing_address=ROME)


def test_key_is_lower_cased_email_and_currency() -> None:
    assert contact_key(order()) == ("ada@example.com", "EUR")
    assert contact_key(order(currency="USD")) == ("ada@example.com", "USD")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"company": "Acme", "first_name": "Ada"}, "Acme"),
        ({"first_name": "Ada", "last_name": "Lovelace"}, "Ada Lovelace"),
        ({"last_name": "Lovelace"}, "Lovelace"),
        ({"first_name": "Ada"}, "Ada"),
        ({}, "ada@example.com"),
        ({"company": "", "first_name": " ", "last_name": None}, "ada@example.com"),
        ({"first_name": "  Zoë ", "last_name": "Ångström"}, "Zoë Ångström"),
        ({"last_name": "渡辺"}, "渡辺"),
        ({"company": "Caffè 🚀 S.r.l.", "first_name": "Ada"}, "Caffè 🚀 S.r.l."),
    ],
)
def test_display_name(fields: dict[str, str], expected: str) -> None:
    assert display_name(_customer(**fields)) == expected


def test_clash_fallbacks() -> None:
    assert name_with_email("Ada", "ada@example.com") == "Ada (ada@example.com)"
    assert name_with_email_and_currency("Ada", "a@b.c", "USD") == "Ada (a@b.c, USD)"


def test_a_long_name_is_cut_to_what_zoho_can_search_for() -> None:
    company = "Società Cooperativa Agricola " + "dei Produttori Riuniti " * 6
    name = display_name(_customer(company=company))
    assert name == company[:NAME_LIMIT].rstrip()
    assert len(name) <= NAME_LIMIT
    assert not name.endswith(" ")


def test_clash_fallbacks_of_a_long_name_keep_the_email_whole() -> None:
    name = "x" * NAME_LIMIT
    assert name_with_email(name, "a@b.c") == "x" * (NAME_LIMIT - 8) + " (a@b.c)"
    with_currency = name_with_email_and_currency(name, "a@b.c", "USD")
    assert with_currency.endswith(" (a@b.c, USD)")
    assert len(with_currency) == NAME_LIMIT
    huge_email = "a" * 120 + "@example.com"
    assert len(name_with_email("Ada", huge_email)) == NAME_LIMIT


@pytest.mark.parametrize(
    ("code", "name"),
    [("IT", "Italy"), ("DE", "Germany"), ("GB", "United Kingdom"), ("TW", "Taiwan"), ("XK", "XK")],
)
def test_country_english_name(code: str, name: str) -> None:
    assert country_name(code) == name


def test_new_contact_payload() -> None:
    the_order = _billed(phone="+39 06 123", vat_number="IT123")
    payload = new_contact_payload(the_order, "c-eur", "Ada Lovelace", "vat_reg_no")
    assert payload == {
        "contact_name": "Ada Lovelace",
        "contact_type": "customer",
        "customer_sub_type": "business",
        "currency_id": "c-eur",
        "company_name": "Lovelace SRL",
        "contact_persons": [
            {
                "email": "Ada@Example.com",
                "is_primary_contact": True,
                "first_name": "Ada",
                "last_name": "Lovelace",
                "phone": "+39 06 123",
            }
        ],
        "billing_address": ZOHO_ROME,
        "vat_reg_no": "IT123",
    }


def test_new_contact_without_address_or_tax_field() -> None:
    payload = new_contact_payload(_billed(tax_code="RSSMRA"), "c", "Ada", None)
    assert "email" not in payload
    assert "vat_reg_no" not in payload
    payload = new_contact_payload(
        order(customer={"email": "a@b.c", "tax_code": "X"}), "c", "a", "t"
    )
    assert payload["t"] == "X"
    assert payload["customer_sub_type"] == "individual"
    assert "billing_address" not in payload
    assert "company_name" not in payload


def test_billing_fingerprint_follows_billing_data_only() -> None:
    base = billing_fingerprint(_billed())
    assert billing_fingerprint(_billed()) == base
    assert billing_fingerprint(_billed(phone="1")) != base
    assert billing_fingerprint(_billed(vat_number="IT1")) != base
    moved = order(customer={"email": "a@b.c"}, billing_address={**ROME, "city": "Milano"})
    assert billing_fingerprint(moved) != billing_fingerprint(order(billing_address=ROME))
    assert billing_fingerprint(_billed(first_name="Augusta")) == base


def _snapshot(**fields: Any) -> ContactSnapshot:
    defaults: dict[str, Any] = {
        "billing_address": {**ZOHO_ROME, "attention": "Ada"},
        "primary_person_id": "p1",
        "phone": "+39 06 123",
        "tax_id_value": "IT123",
    }
    return ContactSnapshot(**{**defaults, **fields})


def test_unchanged_contact_needs_no_call() -> None:
    the_order = _billed(phone="+39 06 123", vat_number="IT123")
    assert contact_changes(the_order, _snapshot(), adopted=False, tax_id_field="vat_reg_no") is None


def test_owned_contact_gets_the_orders_data() -> None:
    moved = {**ROME, "city": "Milano", "line2": None}
    the_order = order(
        customer={"email": "a@b.c", "phone": "+39 02 9", "vat_number": "IT9"},
        billing_address=moved,
    )
    current = _snapshot(other_person_ids=("p2",))
    changes = contact_changes(the_order, current, adopted=False, tax_id_field="vat_reg_no")
    assert changes == {
        "billing_address": {**ZOHO_ROME, "attention": "Ada", "city": "Milano", "street2": ""},
        "contact_persons": [
            {"contact_person_id": "p1", "phone": "+39 02 9", "is_primary_contact": True},
            {"contact_person_id": "p2"},
        ],
        "vat_reg_no": "IT9",
    }


def test_adopted_contact_only_gets_empty_fields() -> None:
    the_order = order(
        customer={"email": "a@b.c", "phone": "+39 02 9", "vat_number": "IT9"},
        billing_address={**ROME, "city": "Milano"},
    )
    current = _snapshot(billing_address={**ZOHO_ROME, "street2": ""}, phone=None)
    changes = contact_changes(the_order, current, adopted=True, tax_id_field="vat_reg_no")
    assert changes == {
        "billing_address": {**ZOHO_ROME},
        "contact_persons": [
            {"contact_person_id": "p1", "phone": "+39 02 9", "is_primary_contact": True}
        ],
    }


@pytest.mark.parametrize("address", [None, {}, {"company": "Acme"}])
def test_missing_order_data_never_clears_zoho(address: dict[str, str] | None) -> None:
    the_order = order(customer={"email": "a@b.c"}, billing_address=address)
    assert contact_changes(the_order, _snapshot(), adopted=False, tax_id_field="vat_reg_no") is None


def test_no_tax_id_field_leaves_the_number_alone() -> None:
    the_order = _billed(phone="+39 06 123", vat_number="IT999")
    assert contact_changes(the_order, _snapshot(), adopted=False, tax_id_field=None) is None


def test_contact_without_person_gets_a_primary_one() -> None:
    the_order = _billed(phone="555")
    changes = contact_changes(
        the_order, _snapshot(primary_person_id=None, phone=None), adopted=True, tax_id_field=None
    )
    assert changes == {
        "contact_persons": [
            {
                "phone": "555",
                "is_primary_contact": True,
                "email": "Ada@Example.com",
                "first_name": "Ada",
                "last_name": "Lovelace",
            }
        ]
    }


optional_text = st.none() | st.sampled_from(["A", "B", "Via 2"])
zoho_text = st.sampled_from(["", "A", "Z"])


@settings(deadline=None)  # no timing assertions
@given(
    st.fixed_dictionaries({"line1": optional_text, "line2": optional_text, "city": optional_text}),
    st.fixed_dictionaries({"address": zoho_text, "street2": zoho_text, "city": zoho_text}),
    optional_text,
    st.none() | zoho_text,
    st.booleans(),
)
def test_write_back_rules(
    address: dict[str, str | None],
    zoho_address: dict[str, str],
    phone: str | None,
    zoho_phone: str | None,
    adopted: bool,
) -> None:
    the_order = order(customer={"email": "a@b.c", "phone": phone}, billing_address=address)
    current = _snapshot(billing_address=zoho_address, phone=zoho_phone)
    changes = contact_changes(the_order, current, adopted=adopted, tax_id_field="vat_reg_no") or {}
    assert "contact_name" not in changes
    assert "company_name" not in changes
    assert "vat_reg_no" not in changes
    for key, value in changes.get("billing_address", {}).items():
        if adopted and zoho_address.get(key):
            assert value == zoho_address[key]
    if adopted and zoho_phone:
        assert "contact_persons" not in changes
    if "contact_persons" in changes:
        assert changes["contact_persons"][0]["phone"] == phone
    # Writing the changes and comparing again finds nothing more to do.
    written = ContactSnapshot(
        billing_address=changes.get("billing_address", zoho_address),
        primary_person_id="p1",
        phone=phone if "contact_persons" in changes else zoho_phone,
        tax_id_value="IT123",
    )
    assert contact_changes(the_order, written, adopted=adopted, tax_id_field="vat_reg_no") is None
