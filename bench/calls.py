"""Reading the sandbox's call log: Zoho Books calls by request class, reads, writes, lookups.

A call is a *write* when its class ends in ``.create``, ``.update``, ``.delete``
or ``.status``, else a *read*. An ``invoices.list`` call filtered by
``reference_number`` is a *lookup* of one order's invoice; one after a create
of that reference whose answer was lost (a 5xx, a dropped connection) is a
*lookup after an unknown outcome*, which Zoho's lost answers force and no
worker can avoid; an unfiltered ``invoices.list`` is a *list page* (an import).
Token calls (``oauth.*``) are not Books calls: Zoho counts them elsewhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

Call = dict[str, Any]
WRITES = (".create", ".update", ".delete", ".status")


def is_books(call: Call) -> bool:
    """A Books API call (not a token call)."""
    request_class = call.get("request_class") or ""
    return bool(request_class) and not request_class.startswith("oauth.")


def is_write(call: Call) -> bool:
    """A call that changes something in Zoho."""
    return str(call["request_class"]).endswith(WRITES)


def is_lookup(call: Call) -> bool:
    """An invoice list filtered to one reference."""
    return call["request_class"] == "invoices.list" and "reference_number" in call["query"]


def _applied(call: Call) -> bool:
    """The write took effect, whether or not its answer arrived."""
    return call["status"] in (200, 201) or str(call.get("fault") or "").startswith("applied")


def _unknown(call: Call) -> bool:
    """The answer was lost: no status (a dropped connection) or a server error."""
    return call["status"] is None or call["status"] >= 500


@dataclass(frozen=True)
class CallFigures:
    """What one run's Books calls add up to."""

    calls: list[Call]

    @classmethod
    def of(cls, calls: list[Call]) -> CallFigures:
        """The Books calls among ``calls``, in arrival order."""
        return cls([c for c in calls if is_books(c)])

    @property
    def total(self) -> int:
        """Every Books call."""
        return len(self.calls)

    def by_class(self) -> Counter[str]:
        """Calls per request class."""
        return Counter(str(c["request_class"]) for c in self.calls)

    @property
    def writes(self) -> int:
        """Calls that change something."""
        return sum(is_write(c) for c in self.calls)

    @property
    def created_invoices(self) -> int:
        """Invoice creates that took effect (answered or not)."""
        return sum(_applied(c) for c in self.calls if c["request_class"] == "invoices.create")

    @property
    def refused_3062(self) -> int:
        """Contact creates Zoho refused because the display name was taken."""
        return sum(c["code"] == 3062 for c in self.calls if c["request_class"] == "contacts.create")

    @property
    def list_pages(self) -> int:
        """Unfiltered invoice list pages (an import of what Zoho holds)."""
        return sum(c["request_class"] == "invoices.list" and not is_lookup(c) for c in self.calls)

    @property
    def lookups_after_unknown(self) -> int:
        """Lookups of a reference after a create of it whose answer was lost."""
        lost: set[str] = set()
        count = 0
        for call in self.calls:
            if call["request_class"] == "invoices.create" and _unknown(call):
                lost.add(str((call.get("body") or {}).get("reference_number")))
            elif is_lookup(call) and call["query"]["reference_number"] in lost:
                count += 1
        return count

    @property
    def reads(self) -> int:
        """Reads, without the lookups after unknown outcomes (counted apart)."""
        return self.total - self.writes - self.lookups_after_unknown
