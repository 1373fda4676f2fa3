"""The corpus: realistic WooCommerce and Shopify orders, mapped onto our contract by name.

Each entry is the ``data`` of an ``order.paid`` event as a shop plugin publishes it
(see ``woocommerce`` and ``shopify`` for the shapes and their sources), keeping each
platform's habits: ``""`` or ``null`` for every empty field, numbers as JSON numbers or
strings, integer ids, unicode names, names over 100 characters, 3-decimal prices,
fractional quantities, 150 lines, guests without company or phone, a second currency.
``event_body`` wraps one in a CloudEvent, numbers written exactly.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tests.support.exact_json import encode

from . import shopify, woocommerce

Json = dict[str, Any]
D = Decimal

LONG_NAME = (
    "Macchina da caffè espresso «Élégance» in acciaio inox spazzolato, con lancia vapore "
    "professionale, manometro e portafiltro da 58 mm — edizione limitata Zoë Ångström"
)
PARMIGIANO = "Parmigiano Reggiano DOP 24 mesi (al kg)"


def _woo_guest() -> Json:
    guest = woocommerce.billing(
        "mario.rossi@example.it", first_name="Mario", last_name="Rossi",
        address_1="Via Roma 12", city="Milano", state="MI", postcode="20121", country="IT",
    )  # fmt: skip
    document = woocommerce.order(
        727,
        billing=guest,
        shipping={k: v for k, v in guest.items() if k not in ("email", "phone")},
        line_items=[
            woocommerce.line_item(1, "Caffè in grani 1kg", 2, 18, 75),
            woocommerce.line_item(2, "Tazzina in porcellana", 1, D("12.5"), 75),
        ],
        tax_lines=[woocommerce.tax_line(75, 22)],
        shipping_total="5.00",
        shipping_lines=[woocommerce.shipping_line("Corriere espresso", "5.00")],
    )
    return woocommerce.priced(document)


def _woo_business() -> Json:
    company = woocommerce.billing(
        "ordini@caffe-roma.example", phone="+39 06 1234567", first_name="Giulia",
        last_name="Bianchi", company="Caffè ☕ Roma S.r.l.", address_1="Via del Corso 1",
        address_2="Scala B, int. 4", city="Roma", state="RM", postcode="00186", country="IT",
    )  # fmt: skip
    variation = woocommerce.line_item(1, "Miscela Bar", 3, D("21.9"), 75)
    variation["sku"] = "MIX-BAR-1"
    variation["meta_data"] = [
        {"id": 1, "key": "pa_macinatura", "value": "moka", "display_key": "Macinatura",
         "display_value": "Moka"},
    ]  # fmt: skip
    document = woocommerce.order(
        728,
        customer_id=12,
        billing=company,
        meta_data=[{"id": 9, "key": "_billing_vat_number", "value": "IT01234567890"}],
        line_items=[variation, woocommerce.line_item(2, "Zucchero di canna 500g", 4, 3, 75)],
        tax_lines=[woocommerce.tax_line(75, 22)],
        coupon_lines=[
            woocommerce.coupon_line("welcome10", "5.00"),
            woocommerce.coupon_line("freeship", "0.00"),
        ],
        shipping_lines=[woocommerce.shipping_line("Spedizione gratuita", "0.00")],
    )
    return woocommerce.priced(document)


def _woo_long_name() -> Json:
    buyer = woocommerce.billing(
        "zoe@example.se", first_name="Zoë", last_name="Ångström", address_1="Drottninggatan 1",
        city="Stockholm", postcode="111 51", country="SE",
    )  # fmt: skip
    document = woocommerce.order(
        729,
        billing=buyer,
        line_items=[
            woocommerce.line_item(1, LONG_NAME, 1, D("349.995"), 75),
            woocommerce.line_item(2, "Tè verde Sencha 渡辺 🍵", 3, D("4.125"), 75),
        ],
        tax_lines=[woocommerce.tax_line(75, 22)],
    )
    return woocommerce.priced(document)


def _woo_by_weight() -> Json:
    document = woocommerce.order(
        730,
        billing=woocommerce.billing("anna@example.it", first_name="Anna", country="IT"),
        line_items=[
            woocommerce.line_item(1, PARMIGIANO, D("0.75"), D("31.9"), 76),
            woocommerce.line_item(2, "Prosciutto di Parma (al kg)", D("1.25"), D("27.5"), 76),
        ],
        tax_lines=[woocommerce.tax_line(76, 4)],
        shipping_total="6.90",
        shipping_lines=[woocommerce.shipping_line("Refrigerato", "6.90")],
    )
    return woocommerce.priced(document)


def _woo_three_for_fifty() -> Json:
    # A "3 for 50 €" bundle: WooCommerce lists the line's price as total / quantity, a float
    # with every digit it has; the line total and the order total are the shop's own.
    document = woocommerce.order(
        740,
        billing=woocommerce.billing("bundle@example.it", first_name="Bea", country="IT"),
        line_items=[woocommerce.line_item(1, "Tris di tazze", 3, D("16.666666666666668"), 75)],
        tax_lines=[woocommerce.tax_line(75, 22)],
    )
    return {**document, "total": "61.00", "total_tax": "11.00"}  # 50.00 + 22 % VAT


def _woo_many_lines() -> Json:
    items = [
        woocommerce.line_item(
            n,
            f"Articolo n. {n} — confezione da {n % 7 + 1}",
            n % 3 + 1,
            D(n % 40) + D("0.99") if n % 5 else n % 40 + 1,
            75 if n % 2 else 76,
        )
        for n in range(1, 151)
    ]
    wholesaler = woocommerce.billing(
        "grossista@example.it", first_name="Luca", last_name="Verdi", country="IT",
        city="Torino", address_1="Corso Francia 200", postcode="10143", state="TO",
    )  # fmt: skip
    document = woocommerce.order(
        731,
        billing=wholesaler,
        line_items=items,
        tax_lines=[woocommerce.tax_line(75, 22), woocommerce.tax_line(76, 4)],
    )
    return woocommerce.priced(document, tax_rounding="line")


def _woo_email_only() -> Json:
    document = woocommerce.order(
        732,
        billing=woocommerce.billing("solo.email@example.com"),
        line_items=[woocommerce.line_item(1, "Buono regalo", 1, D("9.9"), None)],
    )
    return woocommerce.priced(document)


def _woo_usd_inclusive() -> Json:
    jane = woocommerce.billing(
        "jane@example.com", phone="(555) 555-5555", first_name="Jane", last_name="Doe",
        address_1="969 Market", city="San Francisco", state="CA", postcode="94103", country="US",
    )  # fmt: skip
    document = woocommerce.order(
        733,
        currency="USD",
        prices_include_tax=True,
        billing=jane,
        meta_data=[{"id": 3, "key": "_exchange_rate", "value": "0.92"}],
        line_items=[woocommerce.line_item(1, "Espresso cups (set of 6)", 2, D("24.4"), 75)],
        tax_lines=[woocommerce.tax_line(75, 22)],
        shipping_total="12.20",
        shipping_lines=[woocommerce.shipping_line("International", "12.20")],
    )
    return woocommerce.priced(document)


def _shopify_guest_nulls() -> Json:
    where = shopify.address(
        first_name="Jon", last_name="Snow", name="Jon Snow", address1="Chausseestraße 1",
        city="Berlin", zip="10115", country="Germany", country_code="DE",
    )  # fmt: skip
    document = shopify.order(
        820982911946154508,
        name="#1001",
        email="jon@example.com",
        billing_address=where,
        shipping_address=where,
        line_items=[
            shopify.line_item(1, "Wool socks", 2, "12.90", "0.22"),
            shopify.line_item(2, "Gift wrap", 1, "0.00", None),
        ],
        shipping_lines=[shopify.shipping_line("Standard", "4.90", "0.22")],
    )
    return shopify.priced(document)


def _shopify_usd_discount() -> Json:
    where = shopify.address(
        first_name="Zoë", last_name="Ångström", name="Zoë Ångström",
        company="Ångström & Co 🚀", address1="1 Infinite Loop", address2="Suite 5",
        city="Cupertino", province="California", province_code="CA", zip="95014",
        country="United States", country_code="US", phone="+1 408 555 0100",
    )  # fmt: skip
    document = shopify.order(
        820982911946154509,
        name="#1002",
        email="zoe@example.com",
        currency="USD",
        presentment_currency="USD",
        taxes_included=False,
        customer=shopify.customer("zoe@example.com", first_name="Zoë", last_name="Ångström"),
        billing_address=where,
        shipping_address=where,
        line_items=[
            shopify.line_item(
                1, "T-shirt - M / Blue", 2, "25.00", "0.22", sku="TS-M-BL", variant_title="M / Blue"
            )
        ],
        discount_codes=[shopify.discount_code("SUMMER", "10.00")],
        shipping_lines=[shopify.shipping_line("Express", "9.00", "0.22")],
    )
    return shopify.priced(document)


def _shopify_jpy() -> Json:
    where = shopify.address(
        first_name="美咲", last_name="渡辺", name="渡辺 美咲", address1="千代田区丸の内1-1",
        city="東京", province_code="JP-13", zip="100-0005", country="Japan", country_code="JP",
    )  # fmt: skip
    document = shopify.order(
        820982911946154510,
        name="#1003",
        email="misaki@example.jp",
        currency="JPY",
        presentment_currency="JPY",
        taxes_included=False,
        customer=shopify.customer("misaki@example.jp", first_name="美咲", last_name="渡辺"),
        billing_address=where,
        line_items=[shopify.line_item(1, "抹茶 100g", 3, "1200", None)],
        discount_codes=[shopify.discount_code("KONNICHIWA", "500")],
        shipping_lines=[shopify.shipping_line("ヤマト運輸", "600", None)],
    )
    return shopify.priced(document, precision=0)


def _shopify_no_billing() -> Json:
    document = shopify.order(
        820982911946154511,
        name="#1004",
        email="  gift.buyer@example.com ",
        customer=shopify.customer("gift.buyer@example.com", phone="   "),
        line_items=[
            shopify.line_item(1, LONG_NAME + " (gift card)", 1, "50.00", None, sku=""),
        ],
    )
    return shopify.priced(document)


CORPUS: dict[str, Json] = {
    "woo-guest": woocommerce.to_contract(_woo_guest()),
    "woo-business-coupons": woocommerce.to_contract(_woo_business()),
    "woo-long-name-unicode": woocommerce.to_contract(_woo_long_name()),
    "woo-by-weight": woocommerce.to_contract(_woo_by_weight()),
    "woo-150-lines": woocommerce.to_contract(_woo_many_lines()),
    "woo-float-price": woocommerce.to_contract(_woo_three_for_fifty()),
    "woo-email-only": woocommerce.to_contract(_woo_email_only()),
    "woo-usd-inclusive": woocommerce.to_contract(_woo_usd_inclusive()),
    "shopify-guest-nulls": shopify.to_contract(_shopify_guest_nulls()),
    "shopify-usd-discount": shopify.to_contract(_shopify_usd_discount()),
    "shopify-jpy": shopify.to_contract(_shopify_jpy()),
    "shopify-no-billing": shopify.to_contract(_shopify_no_billing()),
}


def event_body(data: Json, event_type: str = "order.paid") -> bytes:
    """``data`` as the body of a CloudEvent, every number written exactly."""
    return encode(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "https://shop.example",
            "type": event_type,
            "time": "2026-11-23T10:03:00Z",
            "datacontenttype": "application/json",
            "data": data,
        }
    )
