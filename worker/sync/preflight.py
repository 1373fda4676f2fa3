"""Gathers the preflight's facts through the ports and runs ``domain.preflight`` on them.

Zoho is asked only when the connection is usable and an organization is chosen:
the organization, its taxes and currencies are read fresh (three calls in the
manual lane) and shared like a reconciler pass's read, so the check sees a
change made in Zoho a minute ago. The token's scopes are the ones the stored
connection recorded at consent (Zoho's token answers do not name them); when they
are unknown (a token from the environment or a pasted Self Client code) they are
not checked, and a refusal (code 57) shows as the organization's problem instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain.catalog import Catalog
from ..domain.connection import StoredConnection
from ..domain.lanes import Lane
from ..domain.preflight import ConnectionFacts, PreflightFacts, Problem, preflight
from ..zoho.errors import ZohoError, ZohoNotAuthorised
from .catalog_cache import CatalogCache
from .ports import ConnectionReader, OrderStore


@dataclass(frozen=True)
class CheckSettings:
    """What the check compares against: the configured data center and organization, the
    tax map and the zero-rate exemption the mapping uses."""

    data_center: str
    organization_id: str | None
    tax_map: Mapping[Decimal, str] = field(default_factory=dict)
    zero_rate_exemption_id: str | None = None


async def run_preflight(
    settings: CheckSettings,
    connection: ConnectionReader,
    orders: OrderStore,
    catalogs: CatalogCache | None,
) -> list[Problem]:
    """Every problem found now, each with its fix (``domain.preflight``)."""
    return preflight(await gather_facts(settings, connection, orders, catalogs))


async def gather_facts(
    settings: CheckSettings,
    connection: ConnectionReader,
    orders: OrderStore,
    catalogs: CatalogCache | None,
) -> PreflightFacts:
    """The facts as they stand; ``catalogs`` None when no Zoho client could be built."""
    stored = await connection.load()
    catalog, error = None, None
    if _usable(stored) and settings.organization_id and catalogs is not None:
        catalog, error = await _read_catalog(catalogs)
        stored = await connection.load()  # a refresh refused on the way marks it broken
    seen = await orders.seen_in_snapshots()
    return PreflightFacts(
        connection=_connection_facts(stored),
        configured_data_center=settings.data_center,
        organization_id=settings.organization_id,
        catalog=catalog,
        organization_error=None if error is None else str(error),
        organization_refused=isinstance(error, ZohoNotAuthorised),
        rates_seen=seen.rates,
        currencies_seen=seen.currencies,
        tax_map=settings.tax_map,
        zero_rate_exemption_id=settings.zero_rate_exemption_id,
        scopes=_scopes(stored),
    )


def _usable(stored: StoredConnection | None) -> bool:
    return stored is not None and stored.status == "connected"


async def _read_catalog(catalogs: CatalogCache) -> tuple[Catalog | None, ZohoError | None]:
    try:
        return await catalogs.refresh(Lane.MANUAL), None
    except ZohoError as exc:
        return None, exc


def _scopes(stored: StoredConnection | None) -> frozenset[str] | None:
    """What the consent asked for; None (not checked) when unknown or not connected."""
    if stored is None or stored.scopes is None:
        return None
    return frozenset(stored.scopes)


def _connection_facts(stored: StoredConnection | None) -> ConnectionFacts | None:
    if stored is None:
        return None
    return ConnectionFacts(stored.status, stored.data_center, stored.broken_reason)
