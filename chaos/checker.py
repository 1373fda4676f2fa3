"""What a scenario ended with, against what its workload and ledger expect: one table row.

``expected``: orders that should have exactly one invoice; ``created``: invoices
in the sandbox; ``duplicate``: invoices beyond the first for one order; ``lost``:
orders that should have an invoice and have none; ``orphan``: invoices that
should not exist (a deleted order's, or for no order of the workload);
``stale``: orders whose single invoice or stored state is not the newest
revision's (or whose stored invoice is not Zoho's). A scenario fails when it
has a duplicate or a lost order, or could not run; and, when its access tokens
expire during the run, when the replicas minted more than one token per
lifetime between them (see ``Row.mint_bound``) or Zoho refused a mint.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tests.support.workload import Workload
from tests.support.workload_checks import Observed

from .ledger import Ledger

PER_10_MIN_S = 600.0
REFRESH_AT = 0.9  # of a token's lifetime (``worker.domain.token_rules``, lifetimes under 50 min)


@dataclass
class Row:
    """One scenario's figures."""

    scenario: str
    expected: int = 0
    created: int = 0
    duplicate: int = 0
    lost: int = 0
    orphan: int = 0
    stale: int = 0
    dead_letters: Counter[str] = field(default_factory=Counter)
    mints: int = 0
    mints_refused: int = 0  # "Access Denied": more than Zoho's 10 per 10 minutes
    token_ttl_s: int | None = None  # the sandbox's access-token lifetime, when the run outlives it
    kills: int = 0  # replicas SIGKILLed (each may take an answered token call with it)
    seconds: float = 0.0
    recover_s: float | None = None
    publishes: str = ""
    still_open: list[str] = field(default_factory=list)  # what a settle bound left open
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        """A duplicate or lost order, the scenario could not run, or tokens minted too often."""
        too_many_mints = self.mint_bound is not None and self.replica_mints > self.mint_bound
        return bool(
            self.duplicate or self.lost or self.error or too_many_mints or self.mints_refused
        )

    @property
    def replica_mints(self) -> int:
        """Token mints by the replicas: all but the suite's own code exchange when connecting."""
        return max(0, self.mints - 1)

    @property
    def refreshes(self) -> int:
        """Mints after the suite's code exchange and the replicas' first token."""
        return max(0, self.mints - 2)

    @property
    def mint_bound(self) -> int | None:
        """The most mints the replicas may need when they share one token: their first token,
        one per refresh interval (90 % of the lifetime) of the run's length, one for a refresh
        on the boundary, and one per replica killed (it may die with a minted token it never
        stored). None when tokens outlive the run (no bound is checked)."""
        if self.token_ttl_s is None:
            return None
        return math.floor(self.seconds / (self.token_ttl_s * REFRESH_AT)) + 2 + self.kills

    @property
    def mints_per_10_min(self) -> float:
        """Refreshes scaled to ten minutes of this run's length (Zoho allows 10 mints)."""
        return self.refreshes * PER_10_MIN_S / self.seconds if self.seconds else 0.0


def check(row: Row, workload: Workload, seen: Observed, ledger: Ledger) -> Row:
    """Fill ``row`` from what the installation ended with."""
    row.notes += row.still_open
    by_reference: dict[str, list[dict[str, Any]]] = {}
    for invoice in seen.invoices:
        by_reference.setdefault(str(invoice["reference_number"]), []).append(invoice)
    row.created = len(seen.invoices)
    row.publishes = ledger.summary()
    for order in workload.expected.values():
        invoices = by_reference.pop(order.reference, [])
        record = seen.records.get(order.order_id)
        if not order.invoiced:
            row.orphan += len(invoices)
            if record is None or record.state != order.state:
                row.stale += 1
                row.notes.append(f"{order.reference}: {record and record.state}")
            continue
        row.expected += 1
        if not invoices:
            row.lost += 1
            row.notes.append(f"{order.reference} lost ({record and record.state})")
            continue
        row.duplicate += len(invoices) - 1
        if len(invoices) > 1:
            row.notes.append(f"{order.reference}: {len(invoices)} invoices")
        if _stale(invoices[0], order.newest.total(), order.newest.currency, record, order.state):
            row.stale += 1
            row.notes.append(f"{order.reference} stale ({record and record.state})")
    row.orphan += sum(len(invoices) for invoices in by_reference.values())
    malformed = Counter(workload.malformed)
    for letter in seen.dead_letters:
        if malformed[letter.body] > 0:
            malformed[letter.body] -= 1
            row.dead_letters[f"{letter.reason} (malformed)"] += 1
        else:
            row.dead_letters[str(letter.reason)] += 1
    _tokens_and_faults(row, seen)
    return row


def _tokens_and_faults(row: Row, seen: Observed) -> None:
    counters = seen.counters
    row.mints = counters.get("mints", 0)
    row.mints_refused = counters.get("oauth.access_denied", 0)
    if row.mints_refused:
        row.notes.append(f"Zoho refused {row.mints_refused} token mints (Access Denied)")
    token_calls = [float(c["time"]) for c in seen.calls if c["request_class"] == "oauth.token"]
    if len(token_calls) > 1:
        spans = ", ".join(f"{t - token_calls[0]:.1f}" for t in token_calls)
        row.notes.append(f"token calls at s: {spans}")
    fired = {k.removeprefix("fault."): v for k, v in counters.items() if k.startswith("fault.")}
    if fired:
        row.notes.append(f"faults fired: {dict(sorted(fired.items()))}")


def _stale(invoice: dict[str, Any], total: Decimal, currency: str, record: Any, state: str) -> bool:
    if Decimal(str(invoice["total"])) != total or invoice["currency_code"] != currency:
        return True
    if record is None or record.state != state:
        return True
    stored = record.invoice.invoice_id if record.invoice else None
    return bool(stored != invoice["invoice_id"])


HEADERS = (
    "scenario",
    "expected",
    "created",
    "duplicate",
    "lost",
    "orphan",
    "stale",
    "dead letters by reason",
    "token mints (replicas' ≤ bound)",
    "refreshes/10min",
    "recover s",
    "run s",
    "publishes ok/failed/unknown/dropped",
    "result",
)


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [_line(HEADERS), _line(tuple("---" for _ in HEADERS))]
    for row in rows:
        letters = ", ".join(f"{k}: {v}" for k, v in sorted(row.dead_letters.items())) or "-"
        recover = "-" if row.recover_s is None else f"{row.recover_s:.1f}"
        mints = str(row.mints)
        if row.mint_bound is not None:
            mints += f" ({row.replica_mints} ≤ {row.mint_bound})"
        result = f"ERROR {row.error}" if row.error else ("FAIL" if row.failed else "ok")
        if row.still_open and not row.error:
            result += f" ({len(row.still_open)} left open at a bound)"
        lines.append(
            _line(
                (
                    row.scenario,
                    str(row.expected),
                    str(row.created),
                    str(row.duplicate),
                    str(row.lost),
                    str(row.orphan),
                    str(row.stale),
                    letters,
                    mints,
                    f"{row.mints_per_10_min:.0f}",
                    recover,
                    f"{row.seconds:.0f}",
                    row.publishes,
                    result,
                )
            )
        )
    return "\n".join(lines)


def _line(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"
