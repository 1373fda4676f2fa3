"""The invoice list: rows without line items, Zoho's filters, and the list lag.

List lag: Zoho's list is served from an index that trails writes. Every change
to an invoice records its new list row with the sandbox time
(``OrgBooks.invoice_list_history``); the list shows, per invoice, the latest
row at least ``config.list_lag`` sandbox seconds old. A new invoice is missing
until then, a changed one shows its old state, a deleted one lingers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from .envelope import invalid_value
from .listing import search_text, text_filters
from .store import JsonObject, OrgBooks
from .values import to_date

ROW_FIELDS = (
    "invoice_id", "customer_name", "customer_id", "status", "invoice_number",
    "reference_number", "date", "due_date", "due_days", "currency_id", "currency_code",
    "total", "balance", "created_time", "last_modified_time", "is_emailed",
    "reminders_sent", "exchange_rate", "shipping_charge", "adjustment", "write_off_amount",
    "salesperson_name", "custom_fields",
)  # fmt: skip
STATUSES = ("sent", "draft", "overdue", "paid", "void", "unpaid", "partially_paid", "viewed")
UNPAID = ("sent", "overdue", "partially_paid")
SORT_COLUMNS = (
    "customer_name", "invoice_number", "date", "due_date", "total", "balance", "created_time",
)  # fmt: skip
TEXT_FILTERS: dict[str, Callable[[JsonObject], object]] = {
    "invoice_number": lambda r: r["invoice_number"],
    "reference_number": lambda r: r["reference_number"],
    "customer_name": lambda r: r["customer_name"],
}
DATE_BOUNDS: dict[str, Callable[[date, date], bool]] = {
    "": lambda value, bound: value == bound,
    "_start": lambda value, bound: value >= bound,
    "_end": lambda value, bound: value <= bound,
    "_after": lambda value, bound: value > bound,
    "_before": lambda value, bound: value < bound,
}


def invoice_row(invoice: JsonObject) -> JsonObject:
    """An invoice as ``GET /invoices`` lists it: no line items."""
    row = {name: invoice.get(name, "") for name in ROW_FIELDS}
    row["due_days"] = ""
    return row


def record(books: OrgBooks, invoice_id: str, now: float) -> None:
    """Note a change (or, when the invoice is gone, a deletion) for the lagging list."""
    invoice = books.invoices.get(invoice_id)
    row = invoice_row(invoice) if invoice is not None else None
    books.invoice_list_history.setdefault(invoice_id, []).append((now, row))


def visible_rows(books: OrgBooks, now: float, lag: float) -> list[JsonObject]:
    """The rows the list shows at ``now``: per invoice, the latest change older than ``lag``."""
    rows = []
    for invoice_id, history in list(books.invoice_list_history.items()):
        shown = [i for i, (changed_at, _) in enumerate(history) if changed_at <= now - lag]
        if not shown:
            continue
        del history[: shown[-1]]  # older states can never be shown again
        row = history[0][1]
        if row is not None:
            rows.append(row)
        elif len(history) == 1:
            del books.invoice_list_history[invoice_id]
    return rows


def row_filter(query: Mapping[str, str], *, exact: bool) -> Callable[[JsonObject], bool]:
    """A predicate for the list filters in ``query``; ``exact``: plain filters match case."""
    by_text = text_filters(query, TEXT_FILTERS, exact=exact)
    by_search = search_text(
        query, lambda r: (r["invoice_number"], r["reference_number"], r["customer_name"])
    )
    by_date = _date_filter(query)
    status = query.get("status")
    if status is not None and status not in STATUSES:
        raise invalid_value("status")
    customer_id = query.get("customer_id")
    return lambda row: (
        by_text(row)
        and by_search(row)
        and by_date(row)
        and (customer_id is None or row["customer_id"] == customer_id)
        and (status is None or _status_matches(row["status"], status))
    )


def _status_matches(actual: str, wanted: str) -> bool:
    return actual in UNPAID if wanted == "unpaid" else actual == wanted


def _date_filter(query: Mapping[str, str]) -> Callable[[JsonObject], bool]:
    checks = [
        (field, test, to_date(query[field + suffix], field + suffix))
        for field in ("date", "due_date")
        for suffix, test in DATE_BOUNDS.items()
        if field + suffix in query
    ]
    return lambda row: all(test(date.fromisoformat(row[f]), bound) for f, test, bound in checks)


def sort_rows(rows: list[JsonObject], query: Mapping[str, str]) -> tuple[str, str]:
    """Sort in place by ``sort_column``/``sort_order`` (default: newest first)."""
    column = query.get("sort_column", "created_time")
    if column not in SORT_COLUMNS:
        raise invalid_value("sort_column")
    order = query.get("sort_order", "D" if column == "created_time" else "A")
    rows.sort(key=lambda r: (r[column], r["invoice_id"]), reverse=order == "D")
    return column, order
