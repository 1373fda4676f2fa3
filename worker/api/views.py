"""The JSON shapes of orders the API answers with (SPEC §7)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..sync.records import OrderRecord


def iso_time(at_ms: int | None) -> str | None:
    """Epoch ms as ISO 8601 UTC text, or None."""
    if at_ms is None:
        return None
    return datetime.fromtimestamp(at_ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def invoice_view(record: OrderRecord) -> dict[str, Any] | None:
    """The order's invoice in Zoho, or None (none yet, or deleted)."""
    invoice = record.invoice
    if invoice is None or invoice.gone:
        return None
    return {
        "id": invoice.invoice_id,
        "number": invoice.invoice_number,
        "status": invoice.status,
        "total": invoice.total,
    }


def invoice_number(record: OrderRecord | None) -> str | None:
    """The number for the shop's order list column, or None."""
    view = invoice_view(record) if record is not None else None
    return None if view is None else str(view["number"])


def order_summary(record: OrderRecord) -> dict[str, Any]:
    """One row of the orders list."""
    return {
        "id": record.order_id,
        "number": (record.snapshot or {}).get("number"),
        "state": record.state,
        "revision": record.revision,
        "invoice": invoice_view(record),
        "reason": record.reason,
        "next_attempt_at": iso_time(record.due_at_ms) if record.state == "failed" else None,
        "received_at": iso_time(record.received_at_ms),
    }


def order_detail(record: OrderRecord, audit: list[dict[str, Any]]) -> dict[str, Any]:
    """One order with its audit trail (newest first)."""
    trail = [{**entry, "at": iso_time(int(entry["at_ms"]))} for entry in audit]
    return {**order_summary(record), "last_error": record.last_error, "audit": trail}
