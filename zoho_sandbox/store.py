"""The sandbox's books: organizations with their contacts, invoices, taxes and currencies.

Plain dictionaries shaped like Zoho's JSON, kept in memory. The resource
modules (contacts, invoices, ...) hold the rules; this module only holds data
and hands out ids that look like Zoho's: long digit strings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]


@dataclass
class OrgBooks:
    """One organization and everything in it."""

    organization: JsonObject
    contacts: dict[str, JsonObject] = field(default_factory=dict)
    invoices: dict[str, JsonObject] = field(default_factory=dict)
    taxes: dict[str, JsonObject] = field(default_factory=dict)
    currencies: dict[str, JsonObject] = field(default_factory=dict)
    next_invoice_number: int = 1
    # Each invoice's list row after every change, as (sandbox time, row; None once deleted):
    # the invoice list shows the latest row older than ``SandboxConfig.list_lag``.
    invoice_list_history: dict[str, list[tuple[float, JsonObject | None]]] = field(
        default_factory=dict
    )

    @property
    def organization_id(self) -> str:
        """The organization's id."""
        return str(self.organization["organization_id"])


@dataclass
class BooksStore:
    """All organizations, keyed by organization id, and the id sequence they share."""

    orgs: dict[str, OrgBooks] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self, org_id: str) -> str:
        """A fresh long digit-string id, unique across the sandbox."""
        return f"{org_id[-7:]:0>7}{next(self._ids):012d}"

    def snapshot(self) -> JsonObject:
        """Everything, for the control API and tests."""
        return {
            org_id: {
                "organization": books.organization,
                "contacts": list(books.contacts.values()),
                "invoices": list(books.invoices.values()),
                "taxes": list(books.taxes.values()),
                "currencies": list(books.currencies.values()),
            }
            for org_id, books in self.orgs.items()
        }
