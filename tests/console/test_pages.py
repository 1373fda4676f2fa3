"""The console's pages and forms over the sync harness and the sandbox: settings, orders,
one order's Generate / Delete, the check, languages."""

from __future__ import annotations

import re

import pytest

from tests.console.conftest import Console
from tests.support.orders import event, order_data


@pytest.fixture
async def signed_in(console: Console) -> Console:
    """The console with a signed-in client."""
    await console.sign_in()
    return console


async def test_settings_are_saved_from_the_form(signed_in: Console) -> None:
    form = {
        "data_center": "eu",
        "reference_template": "WEB-{number}",
        "discount_label": "Sconto",
        "shipping_label": "Spedizione",
        "tax_map": "22 = 460000000038029\n\n4% : 460000000038031",
    }
    page = await signed_in.post("/settings", form)

    assert (page.status, page.location) == (303, "/")
    stored = (await signed_in.settings.load()).values
    assert stored["auto_sync"] is False  # an unticked box is off
    assert stored["reference_template"] == "WEB-{number}"
    assert {str(k): v for k, v in stored["tax_map"].items()} == {
        "22": "460000000038029",
        "4": "460000000038031",
    }
    overview = await signed_in.get("/")
    assert "Settings saved." in overview.html
    assert 'value="WEB-{number}"' in overview.html
    assert "Set in the console" in overview.html


@pytest.mark.parametrize(
    ("lang", "field", "value", "message"),
    [
        ("en", "reference_template", "INV-{order}", "only the placeholders {id} and {number}"),
        ("en", "discount_label", "  ", "a text of 1 to 60 characters"),
        ("en", "data_center", "us", "one of com, eu"),
        ("en", "tax_map", "22", "line 1: write it as rate = tax id"),
        ("en", "tax_map", "-22 = 460", "-22: a rate is a non-negative decimal"),
        ("it", "reference_template", "INV-{order}", "ammessi solo i segnaposto {id} e {number}"),
        ("it", "discount_label", "  ", "un testo da 1 a 60 caratteri"),
        ("it", "data_center", "us", "uno tra com, eu"),
        ("it", "tax_map", "22", "riga 1: scrivila come aliquota = id d"),
        ("it", "tax_map", "-22 = 460", "-22: un&#39;aliquota è un decimale non negativo"),
    ],
)
async def test_a_wrong_setting_is_shown_next_to_its_field_in_the_consoles_language(
    signed_in: Console, lang: str, field: str, value: str, message: str
) -> None:
    await signed_in.get(f"/orders?lang={lang}")
    form = {
        "data_center": "com",
        "reference_template": "ORD-{id}",
        "discount_label": "Discount",
        "shipping_label": "Shipping",
        "tax_map": "",
        field: value,
    }
    page = await signed_in.post("/settings", form)

    assert page.status == 400
    assert f'id="{field}-error"' in page.html
    assert message in page.html
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page.html, re.S)
    assert (await signed_in.settings.load()).values == {}


async def test_the_orders_table_shows_states_and_invoice_numbers(signed_in: Console) -> None:
    harness = signed_in.harness
    await harness.deliver(event("order.paid", order_data("2001")))
    await harness.receive(event("order.updated", order_data("2002", status="pending")))

    page = await signed_in.get("/orders")
    synced = re.search(
        r'href="/orders/2001">#2001</a></th>\s*<td>.*?</td>\s*<td>(.*?)</td>', page.html, re.S
    )
    assert synced is not None
    assert synced.group(1).startswith("INV-")
    assert 'href="/orders/2002">#2002</a>' in page.html

    failed_only = await signed_in.get("/orders?state=failed")
    assert "#2001" not in failed_only.html
    assert "No orders here." in failed_only.html
    found = await signed_in.get("/orders?q=2002")
    assert "#2002" in found.html
    assert "#2001" not in found.html


async def test_the_orders_table_pages_with_a_cursor(signed_in: Console) -> None:
    for n in range(27):
        await signed_in.harness.receive(
            event("order.updated", order_data(f"3{n:03}", status="pending"))
        )
    first = await signed_in.get("/orders")
    next_link = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first.html)
    assert next_link is not None
    second = await signed_in.get(next_link.group(1).replace("&amp;", "&"))

    rows = re.compile(r'<th scope="row"><a href="/orders/(\d+)"')
    ids = rows.findall(first.html) + rows.findall(second.html)
    assert sorted(ids) == [f"3{n:03}" for n in range(27)]
    assert 'rel="next"' not in second.html


async def test_generate_then_delete_from_the_order_panel(signed_in: Console) -> None:
    harness = signed_in.harness
    await harness.receive(event("order.paid", order_data("4001")))  # stored, not synced yet
    panel = await signed_in.get("/orders/4001")
    assert "Generate invoice" in panel.html
    assert "Delete invoice" not in panel.html

    done = await signed_in.post("/orders/4001/invoice", {})
    assert (done.status, done.location) == (303, "/orders/4001")
    panel = await signed_in.get("/orders/4001")
    number = re.search(r'id="invoice-number">(INV-\d+)<', panel.html)
    assert number is not None
    assert f"Done. Zoho invoice: {number.group(1)}" in panel.html
    assert "Update invoice" in panel.html
    assert "Generate requested" in panel.html  # the audit trail

    ask = await signed_in.get("/orders/4001/delete")
    assert f"Delete invoice {number.group(1)}?" in ask.html
    deleted = await signed_in.post("/orders/4001/invoice/delete", {})
    assert deleted.status == 303
    panel = await signed_in.get("/orders/4001")
    assert 'id="invoice-number">none<' in panel.html
    assert "Delete requested" in panel.html
    assert await harness.books() == {**await harness.books(), "invoices": []}
    assert len(await harness.calls("invoices.create")) == 1


async def test_an_action_the_order_does_not_allow_is_explained(signed_in: Console) -> None:
    await signed_in.harness.receive(event("order.updated", order_data("5001", status="pending")))
    page = await signed_in.post("/orders/5001/invoice", {})
    panel = await signed_in.get(page.location or "")
    assert "Not done: the order is not paid" in panel.html
    assert 'role="alert"' in panel.html


async def test_an_unknown_order_is_a_404_page(signed_in: Console) -> None:
    page = await signed_in.get("/orders/nope")
    assert page.status == 404
    assert "No such order" in page.html


@pytest.mark.parametrize(
    ("accept_language", "query", "expected"),
    [
        ("it-IT,it;q=0.9,en;q=0.8", "", "it"),
        ("en-GB,en;q=0.9,it;q=0.8", "", "en"),
        ("de-DE,de;q=0.9,it;q=0.5", "", "it"),
        ("fr", "", "en"),
        ("it-IT", "?lang=en", "en"),
    ],
)
async def test_the_language_follows_the_browser_or_the_switch(
    signed_in: Console, accept_language: str, query: str, expected: str
) -> None:
    page = await signed_in.get("/orders" + query, **{"Accept-Language": accept_language})
    assert f'<html lang="{expected}">' in page.html
    assert ("Ordini" in page.html) == (expected == "it")


async def test_the_language_switch_is_remembered(signed_in: Console) -> None:
    await signed_in.get("/orders?lang=it")
    page = await signed_in.get("/", **{"Accept-Language": "en"})
    assert '<html lang="it">' in page.html
    assert "Impostazioni" in page.html


async def test_pages_forbid_framing_and_scripts(signed_in: Console) -> None:
    async with signed_in.http.get(signed_in.base + "/orders") as resp:
        policy = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script" not in (await signed_in.get("/orders")).html


async def test_switching_organization_needs_the_confirmation_box(signed_in: Console) -> None:
    await signed_in.post("/organization", {"organization_id": "20061234567"})
    assert (await signed_in.settings.load()).values["organization_id"] == "20061234567"

    refused = await signed_in.post("/organization", {"organization_id": "20099999999"})
    assert refused.location == "/organization"
    assert (await signed_in.settings.load()).values["organization_id"] == "20061234567"
    page = await signed_in.get("/")  # the organization page needs a connection: back to /
    assert "Tick the box to confirm switching organization." in page.html

    confirmed = {"organization_id": "20099999999", "confirm": "on"}
    assert (await signed_in.post("/organization", confirmed)).location == "/"
    assert (await signed_in.settings.load()).values["organization_id"] == "20099999999"
    assert "The workers reload with it" in (await signed_in.get("/")).html


async def test_only_what_the_admin_changed_is_stored(signed_in: Console) -> None:
    unchanged = {
        "auto_sync": "on",
        "data_center": "com",
        "reference_template": "ORD-{id}",
        "discount_label": "Discount",
        "shipping_label": "Shipping",
        "tax_map": "",
    }
    assert (await signed_in.post("/settings", unchanged)).status == 303
    assert (await signed_in.settings.load()).values == {}

    await signed_in.post("/settings", {**unchanged, "shipping_label": "Spedizione"})

    assert (await signed_in.settings.load()).values == {"shipping_label": "Spedizione"}
    assert "Set in the console" in (await signed_in.get("/")).html
