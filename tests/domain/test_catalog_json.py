"""A catalog shared between replicas reads back exactly (``catalog_to_json``)."""

from __future__ import annotations

import json
from decimal import Decimal

from worker.domain.catalog import (
    Catalog,
    CurrencyInfo,
    TaxInfo,
    catalog_from_json,
    catalog_to_json,
)


def test_a_catalog_survives_json_exactly() -> None:
    catalog = Catalog(
        taxes=(
            TaxInfo("1", "IVA 22", Decimal("22.00"), is_default=True),
            TaxInfo("2", "Group", Decimal("10.5"), kind="tax_group",
                    components=(Decimal("5.25"), Decimal("5.25"))),
            TaxInfo("3", "Old", Decimal("4"), active=False),
        ),
        currencies=(CurrencyInfo("10", "EUR"), CurrencyInfo("11", "JPY", precision=0)),
        base_currency="EUR",
        time_zone="Europe/Rome",
    )  # fmt: skip

    assert catalog_from_json(json.loads(json.dumps(catalog_to_json(catalog)))) == catalog
