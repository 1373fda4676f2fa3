"""The organization's setup as the mapping sees it: taxes, currencies, base currency.

An adapter (``worker.zoho.catalog_adapter``) builds a ``Catalog`` from Zoho's
``/settings/taxes``, ``/settings/currencies`` and the organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

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

    def currency(self, code: str) -> CurrencyInfo | None:
        """The enabled currency with ISO code ``code``, if any."""
        wanted = code.upper()
        return next((c for c in self.currencies if c.code.upper() == wanted), None)

    def tax(self, tax_id: str) -> TaxInfo | None:
        """The tax with id ``tax_id``, active or not, if any."""
        return next((t for t in self.taxes if t.tax_id == tax_id), None)
