"""What ``zbsync check`` and ``zbsync status`` read, wired from ``Settings``.

``check``: the preflight through the ports, Zoho asked only when the connection
is usable and an organization is chosen. ``status``: the shared records only
(connection, budget, orders, reconciler passes), never Zoho.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp

from ..clock import Clock, SystemClock
from ..config import Settings
from ..domain.budget_ledger import BudgetUsage
from ..domain.preflight import Problem, unreadable_connection
from ..store.budget import BudgetRepository
from ..store.catalogs import CatalogStore
from ..store.connection import ConnectionRepository, SealedTokenUnreadable
from ..store.mongo import Database
from ..store.orders import OrderRepository
from ..store.reconciler import ReconcilerStore
from ..sync.catalog_cache import CatalogCache
from ..sync.preflight import CheckSettings, run_preflight
from .zoho_client import budget_limits, build_zoho


async def check(
    settings: Settings,
    db: Database,
    http: aiohttp.ClientSession,
    *,
    owner: str,
    clock: Clock | None = None,
    tax_map: Mapping[Decimal, str] | None = None,
) -> list[Problem]:
    """The preflight's problems, each with its fix."""
    clock = clock or SystemClock()
    org = settings.zoho_organization_id
    catalogs = None
    if org:
        books = build_zoho(settings, db, http, org, owner=owner, clock=clock).books
        catalogs = CatalogCache(books, CatalogStore(db), clock)
    check_settings = CheckSettings(
        data_center=settings.zoho_data_center,
        organization_id=org,
        tax_map=dict(tax_map or {}),
        zero_rate_exemption_id=settings.zero_rate_exemption_id,
    )
    connection = ConnectionRepository(db, settings.fernet())
    try:
        return await run_preflight(check_settings, connection, OrderRepository(db), catalogs)
    except SealedTokenUnreadable as exc:
        return [unreadable_connection(str(exc))]


@dataclass(frozen=True)
class Status:
    """The replicas' shared state at a glance."""

    connection: str  # connected | broken | not connected | unreadable
    data_center: str | None
    organization_id: str | None
    connection_detail: str | None
    budget: BudgetUsage | None  # None without an organization
    orders: dict[str, int]
    last_pass: dict[str, Any] | None


async def status(settings: Settings, db: Database, *, clock: Clock | None = None) -> Status:
    """Connection, today's budget, orders by state and the last reconciler pass."""
    clock = clock or SystemClock()
    state, data_center, detail = await _connection(settings, db)
    org = settings.zoho_organization_id
    budget = last_pass = None
    if org:
        limits = budget_limits(settings)
        budget = await BudgetRepository(db).usage(org, clock.now_ms(), limits)
        passes = await ReconcilerStore(db).passes(org, limit=1)
        last_pass = passes[0] if passes else None
    orders = await OrderRepository(db).count_by_state()
    return Status(state, data_center, org, detail, budget, orders, last_pass)


async def _connection(settings: Settings, db: Database) -> tuple[str, str | None, str | None]:
    try:
        stored = await ConnectionRepository(db, settings.fernet()).load()
    except SealedTokenUnreadable as exc:
        return "unreadable", None, str(exc)
    if stored is None:
        return "not connected", None, None
    return stored.status, stored.data_center, stored.broken_reason
