"""Shortcuts for the sandbox's books tests: contacts, taxes, currencies and invoices by name."""

from __future__ import annotations

from typing import Any

from tests.support.sandbox_client import BooksClient, Response


async def contact(books: BooksClient, name: str, email: str = "", **extra: Any) -> dict[str, Any]:
    """A new contact whose primary person has ``email``."""
    first, _, last = name.partition(" ")
    person = {"first_name": first, "last_name": last, "email": email}
    body = {"contact_name": name, "contact_persons": [person], **extra}
    resp = await books.call("POST", "/contacts", json=body)
    assert resp.status == 201, resp.body
    created: dict[str, Any] = resp.body["contact"]
    return created


async def tax_id(books: BooksClient, name: str) -> str:
    """The id of the tax (or tax group) called ``name``."""
    resp = await books.call("GET", "/settings/taxes")
    return next(str(t["tax_id"]) for t in resp.body["taxes"] if t["tax_name"] == name)


async def currency_id(books: BooksClient, code: str) -> str:
    """The id of the currency with ``code``."""
    resp = await books.call("GET", "/settings/currencies")
    return next(
        str(c["currency_id"]) for c in resp.body["currencies"] if c["currency_code"] == code
    )


async def add_tax(books: BooksClient, name: str, percentage: str) -> str:
    """Add a tax through the control API; its id."""
    resp = await books.raw.control(
        "POST", "/books/taxes", {"tax_name": name, "tax_percentage": percentage}
    )
    assert resp.status == 201, resp.body
    return str(resp.body["tax"]["tax_id"])


async def invoice(
    books: BooksClient,
    customer_id: str,
    lines: list[dict[str, Any]],
    params: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """``POST /invoices`` with these lines."""
    body = {"customer_id": customer_id, "line_items": lines, **extra}
    return await books.call("POST", "/invoices", json=body, params=params)
