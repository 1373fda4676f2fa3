"""Whether what the installation ended with matches what a workload expects, and its figures.

``problems`` compares an ``Observed`` snapshot (the sandbox's books, counters
and call log, the stored orders, the dead-letter queue) with a ``Workload``'s
expectations and names every difference, one line each, so one run shows every
kind of failure at once. ``figures`` gives the numbers worth reporting (calls
by request class, calls per invoice, faults fired, lookups), not asserted.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from worker.sync.records import OrderRecord

from .workload import ExpectedOrder, Workload

Json = dict[str, Any]
NAME_LIMIT = 100  # Zoho's line item names; a longer one is cut (SPEC §4)


@dataclass(frozen=True)
class DeadLetter:
    """A message found in the dead-letter queue."""

    body: bytes
    reason: str | None
    detail: str | None


@dataclass
class Observed:
    """Everything read from the installation once it settled (or gave up settling)."""

    invoices: list[Json]
    contacts: list[Json]
    records: dict[str, OrderRecord | None]
    calls: list[Json]
    counters: dict[str, int]
    openapi: Json | None
    dead_letters: list[DeadLetter]
    unsettled: list[str] = field(default_factory=list)


def problems(workload: Workload, seen: Observed) -> list[str]:
    """Every way ``seen`` differs from what ``workload`` expects."""
    found = [f"not quiescent: {what}" for what in seen.unsettled]
    by_reference: dict[str, list[Json]] = {}
    for invoice in seen.invoices:
        by_reference.setdefault(invoice["reference_number"], []).append(invoice)
    contacts = {c["contact_id"]: c for c in seen.contacts}
    for order in workload.expected.values():
        invoices = by_reference.pop(order.reference, [])
        found += _invoice_problems(order, invoices, contacts)
        found += _record_problems(order, seen.records.get(order.order_id), invoices)
    found += [f"invoice for no order of the workload: {ref}" for ref in sorted(by_reference)]
    return (
        found
        + _contact_problems(seen.contacts)
        + _schema_problems(seen)
        + _dead_letters(workload, seen.dead_letters)
    )


def _invoice_problems(
    order: ExpectedOrder, invoices: list[Json], contacts: dict[str, Json]
) -> list[str]:
    ref = order.reference
    if not order.invoiced:
        return [f"{ref} ({order.lifecycle}): {len(invoices)} invoice(s), expected none"] * bool(
            invoices
        )
    if not invoices:
        return [f"{ref} ({order.lifecycle}): no invoice (lost)"]
    if len(invoices) != 1:
        numbers = sorted(i["invoice_number"] for i in invoices)
        return [f"{ref} ({order.lifecycle}): {len(invoices)} invoices {numbers}, expected 1"]
    invoice, newest = invoices[0], order.newest
    found = []
    if Decimal(str(invoice["total"])) != newest.total():
        found.append(f"{ref}: total {invoice['total']}, newest revision says {newest.total()}")
    if invoice["currency_code"] != newest.currency:
        found.append(f"{ref}: currency {invoice['currency_code']}, expected {newest.currency}")
    expected_lines = [(line.name[:NAME_LIMIT], line.quantity) for line in newest.lines]
    lines = [(i["name"], Decimal(str(i["quantity"]))) for i in invoice["line_items"]]
    if lines[: len(expected_lines)] != expected_lines:
        found.append(f"{ref}: product lines {lines}, newest revision has {expected_lines}")
    contact = contacts.get(invoice["customer_id"], {})
    if _contact_key(contact) != order.contact_key:
        found.append(f"{ref}: billed to {_contact_key(contact)}, expected {order.contact_key}")
    return found


def _record_problems(
    order: ExpectedOrder, record: OrderRecord | None, invoices: list[Json]
) -> list[str]:
    ref = order.reference
    if record is None:
        return [f"{ref} ({order.lifecycle}): never stored"]
    if record.state != order.state:
        reason = f" ({record.reason})" if record.reason else ""
        return [f"{ref} ({order.lifecycle}): state {record.state}{reason}, expected {order.state}"]
    if order.invoiced and len(invoices) == 1:
        stored = record.invoice.invoice_id if record.invoice else None
        if stored != invoices[0]["invoice_id"]:
            return [f"{ref}: stored invoice {stored}, Zoho's is {invoices[0]['invoice_id']}"]
    return []


def _contact_key(contact: Json) -> tuple[str, str] | None:
    people = contact.get("contact_persons") or []
    primary = next((p for p in people if p.get("is_primary_contact")), None)
    if primary is None or not contact:
        return None
    return str(primary.get("email", "")).lower(), str(contact.get("currency_code"))


def _contact_problems(contacts: list[Json]) -> list[str]:
    keys = Counter(_contact_key(c) for c in contacts)
    return [f"{count} contacts for {key}" for key, count in sorted(keys.items()) if count > 1]


def _schema_problems(seen: Observed) -> list[str]:
    if not seen.openapi or not seen.openapi.get("enabled"):
        return ["the sandbox did not validate request bodies (no OpenAPI schemas found)"]
    violations = seen.counters.get("openapi_violations", 0)
    return [f"{violations} request bodies broke Zoho's schemas"] if violations else []


def _dead_letters(workload: Workload, letters: list[DeadLetter]) -> list[str]:
    """Only the malformed messages, each once; valid events grouped by why they were refused."""
    expected = Counter(workload.malformed)
    refused: dict[str, list[str]] = {}
    for letter in letters:
        if expected[letter.body] > 0:
            expected[letter.body] -= 1
            continue
        why = f"{letter.reason}: {(letter.detail or '').split(';')[0]}"
        refused.setdefault(why, []).append(_order_id(letter.body))
    found = [
        f"{len(ids)} valid events dead-lettered ({why}), orders {', '.join(sorted(set(ids))[:6])}…"
        for why, ids in sorted(refused.items(), key=lambda item: -len(item[1]))
    ]
    found += [f"malformed message not dead-lettered: {body[:40]!r}…" for body in +expected]
    return found


def _order_id(body: bytes) -> str:
    try:
        return str(json.loads(body)["data"]["id"])
    except (ValueError, KeyError, TypeError):
        return "?"


def figures(workload: Workload, seen: Observed) -> Json:
    """What it cost: Zoho calls by request class and per invoice, faults, lookups, 429s."""
    books_calls = [c for c in seen.calls if not str(c["request_class"]).startswith("oauth.")]
    by_class = Counter(str(c["request_class"]) for c in seen.calls)
    invoiced = sum(order.invoiced for order in workload.expected.values())
    storms = seen.counters.get("fault.rate_limit_storm", 0)
    return {
        "calls_by_class": dict(sorted(by_class.items())),
        "books_calls": len(books_calls),
        "books_calls_per_invoiced_order": round(len(books_calls) / max(invoiced, 1), 2),
        "invoice_lookups": by_class.get("invoices.list", 0),
        "faults_fired": {k: v for k, v in seen.counters.items() if k.startswith("fault.")},
        "429_from_storms": storms,
        "429_from_limits": seen.counters.get("429.44", 0)
        - storms
        + seen.counters.get("429.1070", 0),
        "token_mints": seen.counters.get("mints", 0),
    }
