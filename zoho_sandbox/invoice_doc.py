"""Building the full invoice object (section 3.3.4) from a create or update body.

Create and update share one path: the body's fields are laid over the stored
invoice (or the defaults), lines are merged by ``line_item_id`` (a line left out
of an update is deleted, pitfall 13), then ``totals`` recomputes every amount.
Nothing is stored here: the handler stores the result only when all checks passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import custom_fields, totals
from . import invoice_rules as rules
from .config import SandboxConfig
from .envelope import invalid_value
from .store import BooksStore, JsonObject, OrgBooks
from .values import to_bool, to_date, to_decimal, to_int

ZERO = Decimal(0)
# Computed or owned by the sandbox: a body cannot set them.
READ_ONLY = frozenset(
    {
        "invoice_id", "status", "sub_total", "tax_total", "total", "balance", "taxes",
        "payment_made", "credits_applied", "customer_name", "currency_code", "price_precision",
        "created_time", "last_modified_time", "line_item_id", "invoice_url", "write_off_amount",
        "send", "discount_total",
    }
)  # fmt: skip
DEFAULTS: JsonObject = {
    "reference_number": "", "payment_terms": 0, "payment_terms_label": "Due on Receipt",
    "discount": ZERO, "discount_type": "item_level", "is_discount_before_tax": True,
    "is_inclusive_tax": False, "shipping_charge": ZERO, "adjustment": ZERO,
    "adjustment_description": "", "notes": "", "terms": "", "custom_fields": [],
    "contact_persons": [], "salesperson_id": "", "salesperson_name": "",
    "template_id": "", "template_name": "Standard", "payment_made": ZERO,
    "credits_applied": ZERO, "write_off_amount": ZERO, "tax_amount_withheld": ZERO,
    "is_emailed": False, "reminders_sent": 0, "is_viewed_by_client": False,
    "has_attachment": False, "allow_partial_payments": False, "recurring_invoice_id": "",
    "payment_expected_date": "", "last_payment_date": "", "billing_address": {},
    "shipping_address": {},
}  # fmt: skip
# Read by their own rules, not laid over the header as given.
SET_APART = frozenset({"line_items", "currency_id", "invoice_number", "custom_fields"})
BOOLEANS = ("is_discount_before_tax", "is_inclusive_tax")
MONEY = ("shipping_charge", "adjustment")


@dataclass(frozen=True)
class Writer:
    """Where an invoice is written: the store (for ids), the org, settings and today."""

    store: BooksStore
    books: OrgBooks
    config: SandboxConfig
    today: date
    now: str

    @property
    def base_precision(self) -> int:
        """Decimals of the organization's base currency (for ``bcy_rate``)."""
        return int(self.books.organization.get("price_precision", 2))

    def build(self, body: JsonObject, existing: JsonObject | None) -> JsonObject:
        """The invoice ``body`` makes of ``existing`` (or of nothing, on create)."""
        invoice = _header(existing, body)
        contact = rules.customer(self.books, invoice.get("customer_id"))
        currency_id = body.get("currency_id", existing and existing["currency_id"])
        currency = rules.currency(self.books, self.config, contact, currency_id)
        invoice.update(
            customer_name=contact["contact_name"],
            currency_id=currency["currency_id"],
            currency_code=currency["currency_code"],
            currency_symbol=currency["currency_symbol"],
            price_precision=currency["price_precision"],
            exchange_rate=rules.exchange_rate(body, currency)
            if existing is None or "exchange_rate" in body
            else existing["exchange_rate"],
        )
        self._dates(invoice, body, existing)
        invoice["custom_fields"] = custom_fields.merged(
            self.config, self.books, body.get("custom_fields"), existing
        )
        lines = _merged_lines(existing, body)
        self._compute(invoice, lines)
        invoice["last_modified_time"] = self.now
        return invoice

    def _dates(self, invoice: JsonObject, body: JsonObject, existing: JsonObject | None) -> None:
        invoice_date = to_date(body["date"], "date") if "date" in body else None
        if invoice_date is None:
            invoice_date = date.fromisoformat(existing["date"]) if existing else self.today
        terms = to_int(invoice["payment_terms"], "Payment Terms", low=0)
        invoice.update(date=invoice_date.isoformat(), payment_terms=terms)
        if "due_date" in body:
            invoice["due_date"] = to_date(body["due_date"], "due_date").isoformat()
        elif existing is None or "date" in body or "payment_terms" in body:
            invoice["due_date"] = (invoice_date + timedelta(days=terms)).isoformat()

    def _compute(self, invoice: JsonObject, lines: list[JsonObject]) -> None:
        parsed = [rules.line_input(self.books, line) for line in lines]
        result = totals.compute([p for p, _ in parsed], self._terms(invoice))
        invoice["line_items"] = [
            self._line(line, index, tax_row, computed, invoice)
            for index, (line, (_, tax_row), computed) in enumerate(
                zip(lines, parsed, result.lines, strict=True), start=1
            )
        ]
        invoice.update(
            sub_total=result.sub_total,
            discount_total=result.discount_total,
            tax_total=result.tax_total,
            taxes=[{"tax_name": name, "tax_amount": amount} for name, amount in result.taxes],
            total=result.total,
        )
        invoice["balance"] = balance(invoice)

    def _terms(self, invoice: JsonObject) -> totals.Terms:
        entity = invoice["discount_type"] == "entity_level"
        return totals.Terms(
            precision=int(invoice["price_precision"]),
            inclusive=invoice["is_inclusive_tax"],
            discount=rules.discount(invoice["discount"], "discount") if entity else None,
            discount_before_tax=invoice["is_discount_before_tax"],
            shipping_charge=invoice["shipping_charge"],
            adjustment=invoice["adjustment"],
            tax_rounding=self.config.tax_rounding,
        )

    def _line(
        self,
        line: JsonObject,
        index: int,
        tax_row: JsonObject | None,
        computed: totals.LineTotals,
        invoice: JsonObject,
    ) -> JsonObject:
        """A stored line: what was given, plus ids and every computed amount."""
        bcy_rate = computed.rate * Decimal(invoice["exchange_rate"])
        line_id = line.get("line_item_id") or self.store.new_id(self.books.organization_id)
        return {
            "item_id": "", "name": "", "description": "", "unit": "", "tags": [],
            "header_name": "", "header_id": "", "product_type": "goods",
            "item_type": "sales", "item_order": index, "discount": ZERO,
            **line,
            "line_item_id": line_id,
            "quantity": to_decimal(line.get("quantity", 1), "quantity"),
            "rate": computed.rate,
            "bcy_rate": totals.round_money(bcy_rate, self.base_precision),
            "discount_amount": computed.discount_amount,
            "item_total": computed.item_total,
            "tax_id": tax_row["tax_id"] if tax_row else "",
            "tax_name": tax_row["tax_name"] if tax_row else "",
            "tax_type": tax_row["tax_type"] if tax_row else "",
            "tax_percentage": tax_row["tax_percentage"] if tax_row else ZERO,
        }  # fmt: skip


def balance(invoice: JsonObject) -> Decimal:
    """What is still owed: nothing on a void invoice, else total less payments and credits."""
    if invoice.get("status") == "void":
        return ZERO
    return Decimal(invoice["total"] - invoice["payment_made"] - invoice["credits_applied"])


def _header(existing: JsonObject | None, body: JsonObject) -> JsonObject:
    """The stored (or default) header with the body's writable fields laid over it."""
    invoice: JsonObject = dict(existing) if existing else dict(DEFAULTS)
    for key, value in body.items():
        if key not in READ_ONLY and key not in SET_APART:
            invoice[key] = _header_value(key, value)
    if existing is None and "discount_type" not in body and invoice["discount"]:
        invoice["discount_type"] = "entity_level"
    if invoice["discount_type"] not in ("entity_level", "item_level"):
        raise invalid_value("discount_type")
    return invoice


def _header_value(key: str, value: Any) -> Any:
    if key in BOOLEANS:
        return to_bool(value, key)
    if key in MONEY:
        return to_decimal(value, key)
    if key == "discount":
        rules.discount(value, key)
    return value


def _merged_lines(existing: JsonObject | None, body: JsonObject) -> list[JsonObject]:
    """The lines after this write: kept lines updated, new lines added, the rest dropped."""
    if "line_items" not in body:
        if existing is None:
            raise invalid_value("line_items", code=4)
        return [dict(line) for line in existing["line_items"]]
    given = body["line_items"]
    if not isinstance(given, list) or not given or not all(isinstance(g, dict) for g in given):
        raise invalid_value("line_items")
    old = {line["line_item_id"]: line for line in (existing or {}).get("line_items", [])}
    merged = []
    for entry in given:
        line_id = entry.get("line_item_id")
        if line_id is not None and (not isinstance(line_id, str) or line_id not in old):
            raise invalid_value("line_item_id")
        merged.append({**old.get(line_id, {}), **entry})
    return merged
