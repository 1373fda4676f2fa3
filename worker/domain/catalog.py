"""The organization's setup as the mapping sees it: taxes, currencies, base currency.

An adapter (``worker.zoho.catalog_adapter``) builds a ``Catalog`` from Zoho's
``/settings/taxes``, ``/settings/currencies`` and the organization.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal

TaxKind = Literal["tax", "compound_tax", "tax_group"]


@dataclass(frozen=True)
class TaxInfo:
    """A tax, compound tax or tax group of the organization.

    ``components`` are a tax group's member percentages when known: Zoho taxes
    and rounds each member on its own, which can differ from the combined rate
    by a minor unit per line. Empty means "one tax of ``percentage``".
    """

    tax_id: str
    name: str
    percentage: Decimal
    kind: TaxKind = "tax"
    is_default: bool = False
    active: bool = True
    components: tuple[Decimal, ...] = ()

    @property
    def parts(self) -> tuple[Decimal, ...]:
        """The percentages Zoho computes and rounds separately on a line."""
        return self.components or (self.percentage,)


@dataclass(frozen=True)
class CurrencyInfo:
    """A currency enabled in the organization; ``precision`` is Zoho's ``price_precision``."""

    currency_id: str
    code: str
    precision: int = 2


@dataclass(frozen=True)
class Catalog:
    """Everything about the organization that mapping an order depends on."""

    taxes: tuple[TaxInfo, ...]
    currencies: tuple[CurrencyInfo, ...]
    base_currency: str
    time_zone: str | None = None  # the organization's, as Zoho names it (IANA or an alias)
    plan_name: str | None = None  # the organization's Zoho plan: its daily API limit

    def currency(self, code: str) -> CurrencyInfo | None:
        """The enabled currency with ISO code ``code``, if any."""
        wanted = code.upper()
        return next((c for c in self.currencies if c.code.upper() == wanted), None)

    def tax(self, tax_id: str) -> TaxInfo | None:
        """The tax with id ``tax_id``, active or not, if any."""
        return next((t for t in self.taxes if t.tax_id == tax_id), None)


def catalog_to_json(catalog: Catalog) -> dict[str, Any]:
    """The catalog as JSON-safe values (decimals as exact text), for sharing between replicas."""
    return {
        "taxes": [
            {**asdict(tax), "percentage": str(tax.percentage),
             "components": [str(c) for c in tax.components]}
            for tax in catalog.taxes
        ],
        "currencies": [asdict(currency) for currency in catalog.currencies],
        "base_currency": catalog.base_currency,
        "time_zone": catalog.time_zone,
        "plan_name": catalog.plan_name,
    }  # fmt: skip


def catalog_from_json(data: Mapping[str, Any]) -> Catalog:
    """``catalog_to_json`` read back."""
    taxes = tuple(
        TaxInfo(**{**tax, "percentage": Decimal(tax["percentage"]),
                   "components": tuple(Decimal(c) for c in tax["components"])})
        for tax in data["taxes"]
    )  # fmt: skip
    currencies = tuple(CurrencyInfo(**currency) for currency in data["currencies"])
    return Catalog(
        taxes, currencies, data["base_currency"], data.get("time_zone"), data.get("plan_name")
    )
