"""The preflight check (SPEC §7 ``GET /api/preflight``, ``zbsync check``): problems and fixes.

Pure: the caller gathers the facts (the stored connection, the organization's
catalog as Zoho answers it now, the VAT rates and currencies seen in stored
orders); this says what would stop an order from becoming an invoice, and what
the admin should do. A rate passes exactly when mapping would find its tax
(``taxes.choose_tax``: same tax map, default-tax tie break and zero rates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .catalog import Catalog
from .problems import MappingProblem
from .scopes import REQUIRED_SCOPES, missing_scopes
from .taxes import choose_tax

RECONNECT = (
    "connect Zoho again from the console (Connection), or set a new ZBSYNC_ZOHO_REFRESH_TOKEN"
)


@dataclass(frozen=True)
class Problem:
    """One thing that stops orders from becoming invoices, and what the admin should do."""

    code: str
    message: str
    fix: str


@dataclass(frozen=True)
class ConnectionFacts:
    """The stored Zoho connection, as far as the check needs it."""

    status: str  # connected | broken
    data_center: str
    broken_reason: str | None = None


@dataclass(frozen=True)
class PreflightFacts:
    """What the check looks at; ``catalog`` None when the organization could not be read."""

    connection: ConnectionFacts | None
    configured_data_center: str
    organization_id: str | None
    catalog: Catalog | None = None
    organization_error: str | None = None
    organization_refused: bool = False  # Zoho refused the token there (scope or permissions)
    rates_seen: frozenset[Decimal] = frozenset()
    currencies_seen: frozenset[str] = frozenset()
    tax_map: Mapping[Decimal, str] = field(default_factory=dict)
    zero_rate_exemption_id: str | None = None
    scopes: frozenset[str] | None = None  # None: not known (Zoho did not say)


def preflight(facts: PreflightFacts) -> list[Problem]:
    """Every problem found, connection first; empty when orders can become invoices."""
    problems = _connection(facts)
    if problems:
        return problems
    problems += _scopes(facts.scopes)
    if not facts.organization_id:
        return [*problems, _no_organization()]
    if facts.catalog is None and facts.organization_refused:
        return [*problems, _refused(facts.organization_id, facts.organization_error)]
    if facts.catalog is None:
        return [*problems, _unreachable(facts.organization_id, facts.organization_error)]
    problems += _taxes(facts, facts.catalog)
    problems += _currencies(facts.currencies_seen, facts.catalog)
    return problems


def unreadable_connection(reason: str) -> Problem:
    """The stored tokens cannot be decrypted with the configured keys (nothing else is checked)."""
    return Problem(
        "connection_unreadable",
        reason,
        "put the key that sealed the tokens back into ZBSYNC_SECRET_KEY (a rotation lists the "
        "new key first and keeps the old ones), or connect Zoho again",
    )


def _connection(facts: PreflightFacts) -> list[Problem]:
    connection = facts.connection
    if connection is None:
        return [
            Problem(
                "not_connected",
                "Zoho Books is not connected: orders are stored and wait as pending",
                "connect Zoho from the console (Connection), or set ZBSYNC_ZOHO_CLIENT_ID, "
                "ZBSYNC_ZOHO_CLIENT_SECRET and ZBSYNC_ZOHO_REFRESH_TOKEN and restart",
            )
        ]
    if connection.status != "connected":
        reason = connection.broken_reason or "no usable refresh token"
        return [Problem("connection_broken", f"the Zoho connection is broken: {reason}", RECONNECT)]
    if connection.data_center != facts.configured_data_center:
        return [
            Problem(
                "data_center_mismatch",
                f"connected in data center {connection.data_center!r}, but "
                f"ZBSYNC_ZOHO_DATA_CENTER is {facts.configured_data_center!r}",
                "set ZBSYNC_ZOHO_DATA_CENTER to the data center of the Zoho account, "
                "then connect again",
            )
        ]
    return []


def _scopes(granted: frozenset[str] | None) -> list[Problem]:
    if granted is None:
        return []
    missing = missing_scopes(granted)
    if not missing:
        return []
    return [
        Problem(
            "missing_scopes",
            f"the Zoho token lacks {', '.join(missing)}",
            f"connect Zoho again granting {','.join(REQUIRED_SCOPES)}: from the console "
            "(Connection), or with a new ZBSYNC_ZOHO_REFRESH_TOKEN",
        )
    ]


def _no_organization() -> Problem:
    return Problem(
        "no_organization",
        "no Zoho Books organization is chosen: orders wait as pending",
        "choose the organization in the console (Settings), or set ZBSYNC_ZOHO_ORGANIZATION_ID",
    )


def _unreachable(organization_id: str, error: str | None) -> Problem:
    return Problem(
        "organization_unreachable",
        f"organization {organization_id} could not be read from Zoho: {error or 'no answer'}",
        "check that the organization id belongs to the connected Zoho account and data "
        "center, and that Zoho answers; then run the check again",
    )


def _refused(organization_id: str, error: str | None) -> Problem:
    return Problem(
        "not_authorised",
        f"Zoho refused this token for organization {organization_id}: {error or 'not authorised'}",
        f"connect again as a user of organization {organization_id}, granting "
        f"{','.join(REQUIRED_SCOPES)}",
    )


def _taxes(facts: PreflightFacts, catalog: Catalog) -> list[Problem]:
    problems = []
    for rate in sorted(facts.rates_seen | set(facts.tax_map)):
        try:
            choose_tax(
                rate,
                catalog.taxes,
                tax_map=facts.tax_map,
                zero_rate_exemption_id=facts.zero_rate_exemption_id,
            )
        except MappingProblem as exc:
            problems.append(_from_mapping(exc))
    return problems


def _from_mapping(problem: MappingProblem) -> Problem:
    # The mapping's reasons end with what to do: "<what is wrong>; <fix>".
    message, _, fix = problem.reason.rpartition("; ")
    return Problem(problem.code, message or problem.reason, fix)


def _currencies(seen: frozenset[str], catalog: Catalog) -> list[Problem]:
    return [
        Problem(
            "currency_not_enabled",
            f"orders in {code} are stored, but {code} is not enabled in Zoho Books",
            f"enable {code} in Zoho Books (Settings > Currencies)",
        )
        for code in sorted(seen)
        if catalog.currency(code) is None
    ]
