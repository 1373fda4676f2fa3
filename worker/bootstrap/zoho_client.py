"""The Zoho client of one organization, wired from ``Settings``: tokens, budget, HTTP, Books."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import structlog

from ..clock import Clock, SystemClock
from ..config import ConfigError, Settings
from ..domain.budget_ledger import BudgetLimits, slot_ttl
from ..domain.connection import StoredConnection
from ..domain.create_timing import request_timeout_ms
from ..store.budget import BudgetRepository
from ..store.connection import ConnectionRepository
from ..store.mongo import Database
from ..zoho.books import ZohoBooks
from ..zoho.budget import RequestBudget
from ..zoho.connect import adopt_environment_token
from ..zoho.datacenters import resolve_endpoints
from ..zoho.http import ZohoHttp
from ..zoho.oauth import OAuthClientCredentials, TokenEndpoint
from ..zoho.plans import daily_limit
from ..zoho.tokens import TokenManager


def client_credentials(settings: Settings) -> OAuthClientCredentials:
    """The OAuth client from the settings (empty when not configured yet)."""
    secret = settings.zoho_client_secret.get_secret_value() if settings.zoho_client_secret else ""
    return OAuthClientCredentials(settings.zoho_client_id or "", secret)


def _override(url: object) -> str | None:
    return str(url) if url else None


def token_endpoint_for(
    settings: Settings, session: aiohttp.ClientSession
) -> Callable[[StoredConnection], TokenEndpoint]:
    """How the token manager reaches the accounts server of a stored connection."""

    def endpoint_for(connection: StoredConnection) -> TokenEndpoint:
        origin = _override(settings.zoho_accounts_url) or connection.accounts_origin
        endpoints = resolve_endpoints(connection.data_center, accounts_override=origin)
        return TokenEndpoint(session, endpoints.accounts_origin, client_credentials(settings))

    return endpoint_for


log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ZohoParts:
    """The Zoho client and the shared state behind it."""

    books: ZohoBooks
    tokens: TokenManager
    budget: RequestBudget

    def adopt_plan_limit(self, configured: int | None, plan_name: str | None) -> int:
        """Set the daily cap from the setting, else the organization's plan; returns it."""
        limit = daily_limit(configured, plan_name)
        if limit != self.budget.limits.daily_limit:
            log.info("daily zoho limit", limit=limit, plan=plan_name, configured=configured)
            self.budget.set_daily_limit(limit)
        return limit


def budget_limits(settings: Settings) -> BudgetLimits:
    """The request budget the settings give (the daily cap until the plan is known)."""
    return BudgetLimits(
        requests_per_window=settings.zoho_requests_per_minute,
        daily_limit=daily_limit(settings.zoho_daily_limit, None),
        max_concurrency=settings.zoho_max_concurrency,
        slot_ttl_ms=slot_ttl(_request_timeout_ms(settings)),
    )


def _request_timeout_ms(settings: Settings) -> int:
    # A create must end before the order lease it was sent under can expire (create_timing).
    return request_timeout_ms(int(settings.lease_ttl * 1000))


def build_zoho(
    settings: Settings,
    db: Database,
    session: aiohttp.ClientSession,
    organization_id: str,
    *,
    owner: str,
    clock: Clock | None = None,
    limits: BudgetLimits | None = None,
) -> ZohoParts:
    """The Zoho Books client for one organization, sharing tokens and budget through ``db``.

    ``limits`` replaces the budget the settings give (benchmarks scale its window).
    """
    clock = clock or SystemClock()
    repository = ConnectionRepository(db, settings.fernet())
    tokens = TokenManager(repository, token_endpoint_for(settings, session), clock, owner=owner)
    limits = limits or budget_limits(settings)
    budget = RequestBudget(BudgetRepository(db), organization_id, limits, clock, owner)

    def api_base() -> str:
        dc = tokens.data_center or settings.zoho_data_center
        override = _override(settings.zoho_api_url)
        return resolve_endpoints(dc, api_domain=tokens.api_domain, api_override=override).api_base

    timeout_s = _request_timeout_ms(settings) / 1000
    timeout = aiohttp.ClientTimeout(total=timeout_s, connect=min(10.0, timeout_s))
    http = ZohoHttp(session, api_base, organization_id, tokens, budget, timeout=timeout)
    books = ZohoBooks(http)
    return ZohoParts(books, tokens, budget)


async def connect_from_environment(settings: Settings, db: Database, clock: Clock) -> bool:
    """At start: adopt ``ZBSYNC_ZOHO_REFRESH_TOKEN`` if it is new; True when it was stored."""
    if settings.zoho_refresh_token is None:
        return False
    if not settings.zoho_client_id:
        problem = "ZBSYNC_ZOHO_CLIENT_ID: required with ZBSYNC_ZOHO_REFRESH_TOKEN"
        raise ConfigError(f"invalid configuration:\n  {problem}")
    return await adopt_environment_token(
        ConnectionRepository(db, settings.fernet()),
        clock,
        data_center=settings.zoho_data_center,
        client_id=settings.zoho_client_id,
        refresh_token=settings.zoho_refresh_token.get_secret_value(),
    )
