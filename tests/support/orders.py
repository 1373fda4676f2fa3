"""Realistic order events for tests, built as the shop would publish them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from worker.events import OrderEvent, parse_event

BASE_TIME = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def order_data(order_id: str = "1001", **overrides: Any) -> dict[str, Any]:
    """A paid order: two VAT rates, a discount, shipping; total as Zoho computes it."""
    data: dict[str, Any] = {
        "id": order_id,
        "number": f"#{order_id}",
        "revision": 1,
        "status": "paid",
        "currency": "EUR",
        "placed_at": "2026-11-23T09:55:00Z",
        "customer": {
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "phone": "+39 02 1234567",
        },
        "billing_address": {
            "line1": "Via Roma 1",
            "city": "Milano",
            "postcode": "20121",
            "region": "MI",
            "country": "IT",
        },
        "lines": [
            {
                "sku": "TEA-1",
                "name": "Green tea",
                "quantity": 2,
                "unit_price": "10.00",
                "tax_rate": "22",
            },
            {
                "sku": "BK-7",
                "name": "Tea book",
                "quantity": 1,
                "unit_price": "20.00",
                "tax_rate": "4",
            },
        ],
        "discounts": [{"code": "WELCOME", "amount": "5.00", "tax_rate": "22"}],
        "shipping": {"description": "Courier", "amount": "5.00", "tax_rate": "22"},
        "total": "45.20",  # (20 - 5 + 5) * 1.22 + 20 * 1.04
    }
    data.update(overrides)
    return data


def event_body(event_type: str, data: dict[str, Any], *, minutes: int = 0) -> bytes:
    """The message body a shop publishes."""
    envelope = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "https://shop.example",
        "type": event_type,
        "time": (BASE_TIME + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": data,
    }
    return json.dumps(envelope).encode()


def event(event_type: str, data: dict[str, Any], *, minutes: int = 0) -> OrderEvent:
    """A parsed event."""
    return parse_event(event_body(event_type, data, minutes=minutes))
