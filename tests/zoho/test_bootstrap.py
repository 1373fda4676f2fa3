"""The composed Zoho client: connected from the environment, pointed at the sandbox."""

from __future__ import annotations

import aiohttp
import pytest
from cryptography.fernet import Fernet

from tests.support.zoho_fixtures import CREDENTIALS, REDIRECT_URI, grant_code
from worker.bootstrap import build_worker, build_zoho, connect_from_environment
from worker.bootstrap.zoho_client import budget_limits
from worker.clock import SystemClock
from worker.config import ConfigError, Settings
from worker.domain.lanes import Lane
from worker.store.mongo import Database
from worker.zoho.oauth import TokenEndpoint
from zoho_sandbox import RunningSandbox, SandboxConfig


def _settings(sandbox: RunningSandbox, refresh_token: str | None) -> Settings:
    return Settings(
        _env_file=None,
        zoho_client_id=CREDENTIALS.client_id,
        zoho_client_secret=CREDENTIALS.client_secret,
        zoho_refresh_token=refresh_token,
        zoho_data_center="eu",
        zoho_accounts_url=sandbox.accounts_url,
        zoho_api_url=sandbox.api_url,
        secret_key=Fernet.generate_key().decode(),
    )


async def test_a_refresh_token_from_the_environment_connects_without_a_browser(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    token_endpoint: TokenEndpoint,
    mongo_db: Database,
) -> None:
    minted = await token_endpoint.exchange_code(await grant_code(http, sandbox), REDIRECT_URI)
    settings = _settings(sandbox, minted.refresh_token)

    assert await connect_from_environment(settings, mongo_db, SystemClock())
    assert not await connect_from_environment(settings, mongo_db, SystemClock())
    zoho = build_zoho(settings, mongo_db, http, "20061234567", owner="a")
    org = await zoho.books.organization(Lane.MANUAL)

    assert org.plan_name == "FREE"
    assert zoho.adopt_plan_limit(None, org.plan_name) == 1000
    assert zoho.adopt_plan_limit(4000, org.plan_name) == 4000
    assert zoho.budget.limits.daily_limit == 4000


async def test_a_refresh_token_without_a_client_id_names_the_variable(
    sandbox: RunningSandbox, mongo_db: Database
) -> None:
    settings = _settings(sandbox, "1000.x").model_copy(update={"zoho_client_id": None})

    with pytest.raises(ConfigError, match="ZBSYNC_ZOHO_CLIENT_ID"):
        await connect_from_environment(settings, mongo_db, SystemClock())


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(plan_name="PREMIUM")])
@pytest.mark.parametrize(("configured", "expected"), [(None, 10_000), (4000, 4000)])
async def test_a_replica_takes_the_daily_limit_from_the_organizations_plan(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    token_endpoint: TokenEndpoint,
    mongo_db: Database,
    configured: int | None,
    expected: int,
) -> None:
    minted = await token_endpoint.exchange_code(await grant_code(http, sandbox), REDIRECT_URI)
    settings = _settings(sandbox, minted.refresh_token).model_copy(
        update={"zoho_organization_id": "20061234567", "zoho_daily_limit": configured}
    )
    await connect_from_environment(settings, mongo_db, SystemClock())
    first = build_worker(settings, mongo_db, http, "replica-a")
    second = build_worker(settings, mongo_db, http, "replica-b")
    assert first.budget is not None
    assert second.budget is not None
    assert first.budget.limits.daily_limit == (configured or 1000)  # the plan is not known yet

    assert first.catalogs is not None
    assert second.catalogs is not None
    await first.catalogs.get(Lane.LIVE)  # reads the organization from Zoho
    await second.catalogs.get(Lane.LIVE)  # takes the copy the first shared

    assert first.budget.limits.daily_limit == expected
    assert second.budget.limits.daily_limit == expected
    async with http.get(
        f"{sandbox.origin}/_sandbox/calls", params={"request_class": "organizations.get"}
    ) as resp:
        assert len((await resp.json())["calls"]) == 1


@pytest.mark.parametrize(
    ("lease_ttl", "slot_ttl_ms"), [(30.0, 20_000), (6.0, 8_000), (600.0, 25_000)]
)
def test_a_dead_replicas_budget_slots_free_themselves_once_its_requests_must_have_ended(
    lease_ttl: float, slot_ttl_ms: int
) -> None:
    # The request time limit is half the lease, at most 20 s; the slot outlives it by 5 s.
    # A fixed two minutes kept every replica at the concurrency cap after a SIGKILL.
    settings = Settings(_env_file=None, lease_ttl=lease_ttl)

    assert budget_limits(settings).slot_ttl_ms == slot_ttl_ms
