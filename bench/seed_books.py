"""Filling the sandbox's organization with what an older installation left: contacts and invoices.

Written through the sandbox's own Books API, so every object is what Zoho
would hold, with the sandbox's limits lifted for the while and its clock moved
past the minute afterwards (the seeding's requests count against nothing the
worker then meets). Contact ``n`` is customer ``n`` of ``bench.sample_orders``;
invoice ``i`` has reference ``ORD-<old id>`` and belongs to contact ``i mod
contacts``, a draft of one line at 22 %.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bench.sample_orders import customer_email
from bench.stack import Installation
from tests.support.sandbox_client import BooksClient, SandboxClient

OLD_IDS = 500_000  # the older installation's order ids start here
IN_FLIGHT = 8


@dataclass(frozen=True)
class Seeded:
    """What is in Zoho before the worker starts."""

    contacts: int
    invoices: int
    last_call: int  # the call log's sequence number after seeding: the worker's calls follow


async def seed(place: Installation, *, contacts: int, invoices: int) -> Seeded:
    """Create ``contacts`` contacts and ``invoices`` invoices; the call log position after."""
    limits = {"requests_per_minute": place.sandbox.config.requests_per_minute}
    await place.control("PATCH", "/config", {"requests_per_minute": 10_000_000})
    books = await SandboxClient(place.sandbox, place.http).connect()
    tax_id = await _tax_id(books, "IVA 22%")
    slots = asyncio.Semaphore(IN_FLIGHT)
    contact_ids = await asyncio.gather(*(_contact(books, n, slots) for n in range(contacts)))
    await asyncio.gather(
        *(_invoice(books, i, contact_ids[i % contacts], tax_id, slots) for i in range(invoices))
    )
    await place.control("PATCH", "/config", limits)
    await place.control("POST", "/clock", {"advance": 2 * place.sandbox.config.minute_window})
    calls = await place.calls()
    return Seeded(contacts, invoices, int(calls[-1]["seq"]) if calls else 0)


async def _tax_id(books: BooksClient, name: str) -> str:
    taxes = (await books.call("GET", "/settings/taxes")).body["taxes"]
    return str(next(t["tax_id"] for t in taxes if t["tax_name"] == name))


async def _contact(books: BooksClient, number: int, slots: asyncio.Semaphore) -> str:
    person = {
        "email": customer_email(number),
        "first_name": "Customer",
        "last_name": str(number),
        "is_primary_contact": True,
    }
    body = {"contact_name": f"Customer {number}", "contact_persons": [person]}
    async with slots:
        response = await books.call("POST", "/contacts", json=body)
    assert response.status == 201, response.body
    return str(response.body["contact"]["contact_id"])


async def _invoice(
    books: BooksClient, number: int, contact_id: str, tax_id: str, slots: asyncio.Semaphore
) -> None:
    body = {
        "customer_id": contact_id,
        "reference_number": f"ORD-{OLD_IDS + number}",
        "date": "2026-10-01",
        "line_items": [{"name": "Tè verde Sencha", "rate": 12.5, "quantity": 1, "tax_id": tax_id}],
    }
    async with slots:
        response = await books.call("POST", "/invoices", json=body)
    assert response.status == 201, response.body
