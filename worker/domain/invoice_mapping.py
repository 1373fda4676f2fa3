"""An order to the body of a Zoho draft invoice (SPEC §4 "Invoice", "Lines", "Totals").

``map_invoice`` returns an ``InvoiceDraft``: the JSON-able payload (money as
``Decimal``), the total Zoho will compute before and after the rounding
adjustment, and the rendered reference. It raises ``MappingProblem`` for an order
that needs a person: a total <= 0, a currency not enabled, a tax it cannot match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from worker.events import Order

from .catalog import Catalog, CurrencyInfo
from .invoice_lines import DraftLine, draft_lines
from .invoice_totals import rounding_adjustment, totals_match, zoho_total
from .money import ZERO
from .problems import MappingProblem
from .taxes import TaxChoice, choose_tax

__all__ = [
    "InvoiceDraft",
    "MappingSettings",
    "map_invoice",
    "payload_fingerprint",
    "render_reference",
    "totals_match",
]

ADJUSTMENT_DESCRIPTION = "Rounding"
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class MappingSettings:
    """What the organization's admin decides about invoices (SPEC §9)."""

    reference_template: str = "ORD-{id}"
    discount_label: str = "Discount"
    shipping_label: str = "Shipping"
    zero_rate_exemption_id: str | None = None
    total_tolerance: int = 5
    tax_map: Mapping[Decimal, str] = field(default_factory=dict)
    timezone: ZoneInfo = UTC


@dataclass(frozen=True)
class InvoiceDraft:
    """A mapped invoice: what to send and what Zoho should answer with."""

    payload: dict[str, Any]
    expected_total: Decimal
    computed_total: Decimal
    reference: str

    @property
    def adjustment(self) -> Decimal:
        """The rounding adjustment sent (zero when none)."""
        return self.expected_total - self.computed_total


def render_reference(template: str, order: Order) -> str:
    """The invoice's reference: the template with ``{id}`` and ``{number}`` filled in."""
    return template.format(id=order.id, number=order.display_number)


def invoice_date(order: Order, timezone: ZoneInfo, fallback: date) -> date:
    """The local date the order was placed (else paid) in ``timezone``, else ``fallback``."""
    moment = order.placed_at or order.paid_at
    return moment.astimezone(timezone).date() if moment else fallback


def map_invoice(
    order: Order,
    customer_id: str,
    catalog: Catalog,
    settings: MappingSettings,
    *,
    fallback_date: date,
) -> InvoiceDraft:
    """The draft invoice for ``order``, or ``MappingProblem`` saying what needs a person."""
    _require_positive_total(order)
    currency = _currency(order, catalog)
    lines = _lines(order, catalog, settings, currency.precision)
    computed = zoho_total(lines, currency.precision, inclusive=order.prices_include_tax)
    adjustment = rounding_adjustment(
        order.total, computed, currency.precision, settings.total_tolerance
    )
    reference = render_reference(settings.reference_template, order)
    payload: dict[str, Any] = {
        "customer_id": customer_id,
        "date": invoice_date(order, settings.timezone, fallback_date).isoformat(),
        "reference_number": reference,
        "currency_id": currency.currency_id,
        "is_inclusive_tax": order.prices_include_tax,
        "line_items": [line.payload(index) for index, line in enumerate(lines, start=1)],
        # Always sent: an update must also clear an adjustment an earlier version needed.
        "adjustment": adjustment,
        "adjustment_description": ADJUSTMENT_DESCRIPTION if adjustment else "",
    }
    if order.exchange_rate is not None and currency.code != catalog.base_currency.upper():
        payload["exchange_rate"] = order.exchange_rate
    return InvoiceDraft(payload, computed + adjustment, computed, reference)


def _require_positive_total(order: Order) -> None:
    if order.total <= ZERO:
        raise MappingProblem(
            "non_positive_total",
            f"the order total is {order.total} {order.currency}; "
            "an invoice needs a positive total (issue a credit note instead)",
        )


def _currency(order: Order, catalog: Catalog) -> CurrencyInfo:
    currency = catalog.currency(order.currency)
    if currency is None:
        raise MappingProblem(
            "currency_not_enabled",
            f"the currency {order.currency} is not enabled in Zoho Books; "
            "enable it under Settings > Currencies",
        )
    return currency


def _lines(
    order: Order, catalog: Catalog, settings: MappingSettings, precision: int
) -> list[DraftLine]:
    chosen: dict[Decimal | None, TaxChoice] = {}

    def tax_for(rate: Decimal | None) -> TaxChoice:
        if rate not in chosen:
            chosen[rate] = choose_tax(
                rate,
                catalog.taxes,
                tax_map=settings.tax_map,
                zero_rate_exemption_id=settings.zero_rate_exemption_id,
            )
        return chosen[rate]

    return draft_lines(
        order,
        precision,
        tax_for,
        discount_label=settings.discount_label,
        shipping_label=settings.shipping_label,
    )


def payload_fingerprint(payload: Mapping[str, Any]) -> str:
    """A stable hash of a payload: equal for equal content, whatever the key order.

    Amounts compare by value (``10.5`` and ``10.50`` hash alike), so a payload read
    back from storage fingerprints as the one that was mapped.
    """
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_canonical)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: object) -> object:
    if isinstance(value, Decimal):
        # Adding zero folds -0 into 0; normalize drops trailing zeros.
        return {"$decimal": format((value + ZERO).normalize(), "f")}
    raise TypeError(f"cannot fingerprint {type(value).__name__}")
