"""``zbsync check`` and ``zbsync status`` as processes, against MongoDB and the Zoho sandbox."""

from __future__ import annotations

import asyncio
import sys
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet

from tests.support.orders import event, order_data
from tests.support.zoho_fixtures import (
    Grant,
    sandbox_state,
)
from worker.api import serve
from worker.bootstrap import build_admin_api, build_worker, console_settings
from worker.config import load_settings
from worker.domain.connection import StoredConnection
from worker.domain.scopes import REQUIRED_SCOPES
from worker.store.audit import AuditTrail
from worker.store.mongo import Database
from worker.store.orders import OrderRepository
from worker.store.reconciler import ReconcilerStore
from worker.store.settings import SettingsRepository
from worker.sync.intake import take_in
from zoho_sandbox import RunningSandbox

ORG = "20061234567"  # the sandbox's organization


@pytest.fixture
def env(shell_env: dict[str, str]) -> dict[str, str]:
    """A shell's settings for this test's database and sandbox."""
    return shell_env | {"ZBSYNC_ZOHO_ORGANIZATION_ID": ORG, "ZBSYNC_ZOHO_DAILY_LIMIT": "1000"}


async def _zbsync(env: dict[str, str], *args: str) -> tuple[int, str]:
    run = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "worker", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await run.communicate()
    assert run.returncode is not None
    assert not err.strip() or run.returncode != 0, err.decode()
    return run.returncode, out.decode()


async def _paid(db: Database, order_id: str, **overrides: Any) -> None:
    paid = event("order.paid", order_data(order_id, **overrides))
    await take_in(OrderRepository(db), AuditTrail(db), paid, 0, "test")


async def _books_calls(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> list[str]:
    async with http.get(f"{sandbox.origin}/_sandbox/calls") as resp:
        calls: list[dict[str, Any]] = (await resp.json())["calls"]
    return [c["request_class"] for c in calls if not c["request_class"].startswith("oauth.")]


async def test_check_when_not_connected_says_how_to_connect(
    env: dict[str, str], mongo_db: Database
) -> None:
    code, out = await _zbsync(env, "check")

    assert code == 1
    assert out.splitlines()[0].startswith("not_connected: ")
    assert "fix: connect Zoho" in out


async def test_check_names_a_rate_with_no_active_tax_and_a_disabled_currency(
    env: dict[str, str],
    mongo_db: Database,
    connected: StoredConnection,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
) -> None:
    await _paid(mongo_db, "1")  # 22% and 4% in EUR: both fine
    line = {"name": "Old stock", "quantity": 1, "unit_price": "10.00", "tax_rate": "21"}
    await _paid(
        mongo_db, "2", currency="SEK", lines=[line], discounts=[], shipping=None, total="12.10"
    )

    code, out = await _zbsync(env, "check")

    assert code == 1
    assert "unmatched_tax: no active Zoho tax of 21%" in out
    assert "fix: add or activate one in Zoho Books (Settings > Taxes)" in out
    assert "currency_not_enabled: orders in SEK are stored" in out
    assert "fix: enable SEK in Zoho Books (Settings > Currencies)" in out
    assert out.rstrip().endswith("2 problems")
    assert sorted(await _books_calls(http, sandbox)) == [
        "currencies.list", "organizations.get", "taxes.list",
    ]  # fmt: skip


async def test_check_passes_when_every_rate_and_currency_maps(
    env: dict[str, str], mongo_db: Database, connected: StoredConnection
) -> None:
    await _paid(mongo_db, "1")
    await _paid(mongo_db, "2", currency="USD")

    code, out = await _zbsync(env, "check")

    assert (code, out) == (0, "ok: no problems found\n")


async def test_check_names_an_organization_the_token_cannot_read(
    env: dict[str, str], mongo_db: Database, connected: StoredConnection
) -> None:
    code, out = await _zbsync({**env, "ZBSYNC_ZOHO_ORGANIZATION_ID": "999"}, "check")

    assert code == 1
    assert out.startswith("organization_unreachable: organization 999 could not be read")
    assert "fix: check that the organization id belongs to the connected Zoho account" in out


async def test_check_asks_for_the_scopes_a_token_lacks(
    env: dict[str, str], mongo_db: Database, http: aiohttp.ClientSession, grant: Grant
) -> None:
    await grant(["ZohoBooks.invoices.ALL"])

    code, out = await _zbsync(env, "check")

    assert code == 1
    assert out.startswith(f"not_authorised: Zoho refused this token for organization {ORG}")
    assert "ZohoBooks.settings.READ" in out


# A consent made before the worker needed to delete drafts.
WITHOUT_DELETE = tuple(s for s in REQUIRED_SCOPES if s != "ZohoBooks.invoices.DELETE")


async def test_check_and_the_api_name_a_scope_the_consent_did_not_ask_for(
    env: dict[str, str], mongo_db: Database, http: aiohttp.ClientSession, grant: Grant
) -> None:
    await grant(WITHOUT_DELETE, recorded=WITHOUT_DELETE)

    code, out = await _zbsync(env, "check")

    assert code == 1
    assert out.startswith("missing_scopes: the Zoho token lacks ZohoBooks.invoices.DELETE\n")
    assert f"fix: connect Zoho again granting {','.join(REQUIRED_SCOPES)}" in out
    assert out.rstrip().endswith("1 problem")  # the organization itself reads fine
    assert await _api_preflight(env, mongo_db, http) == "missing_scopes"


async def test_unknown_scopes_are_not_reported_as_missing(
    env: dict[str, str], mongo_db: Database, http: aiohttp.ClientSession, grant: Grant
) -> None:
    """A Self Client's or the environment's token: its scopes are not known, so not judged."""
    await grant(WITHOUT_DELETE)

    assert await _zbsync(env, "check") == (0, "ok: no problems found\n")
    assert await _api_preflight(env, mongo_db, http) == "ok"


async def _api_preflight(env: dict[str, str], db: Database, http: aiohttp.ClientSession) -> str:
    """``GET /api/preflight`` of a replica wired as ``zbsync run`` wires it, in this process."""
    variables = {k[len("ZBSYNC_") :].lower(): v for k, v in env.items() if k.startswith("ZBSYNC_")}
    settings = load_settings(_env_file=None, admin_token="t", **variables)
    applied = await console_settings(settings, db, record=False)
    worker = build_worker(applied.settings, db, http, "api", tax_map=applied.tax_map)
    app = build_admin_api(applied.settings, worker, applied, db, http)
    runner = await serve(app, "127.0.0.1", 0, grace_seconds=5)
    host, port = runner.addresses[0][:2]
    try:
        url = f"http://{host}:{port}/api/preflight"
        async with http.get(url, headers={"Authorization": "Bearer t"}) as resp:
            problems = (await resp.json())["problems"]
    finally:
        await runner.cleanup()
    return ",".join(p["code"] for p in problems) or "ok"


async def test_check_and_the_api_use_the_stored_tax_map_alike(
    env: dict[str, str],
    mongo_db: Database,
    connected: StoredConnection,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
) -> None:
    line = {"name": "Pasta", "quantity": 1, "unit_price": "10.00", "tax_rate": "10"}
    await _paid(mongo_db, "1", lines=[line], discounts=[], shipping=None, total="11.00")

    async def both() -> tuple[str, str]:
        code, out = await _zbsync(env, "check")
        check = (
            "ok"
            if code == 0
            else ",".join(
                row.split(": ")[0] for row in out.splitlines() if ": " in row and row[0] != " "
            )
        )
        return check, await _api_preflight(env, mongo_db, http)

    before = await both()
    state = await sandbox_state(http, sandbox)
    taxes = state["books"][ORG]["taxes"]  # type: ignore[index]
    tax_id = next(t["tax_id"] for t in taxes if t["tax_name"] == "IVA 10%")
    await SettingsRepository(mongo_db).change({"tax_map": {Decimal(10): tax_id}})
    after = await both()

    assert before[0].startswith("ambiguous_tax")
    assert before[0] == before[1]
    assert after == ("ok", "ok")


async def test_check_refuses_a_connection_in_another_data_center(
    env: dict[str, str], mongo_db: Database, connected: StoredConnection
) -> None:
    code, out = await _zbsync({**env, "ZBSYNC_ZOHO_DATA_CENTER": "eu"}, "check")

    assert code == 1
    assert out.startswith("data_center_mismatch: connected in data center 'com'")


async def test_tokens_sealed_with_another_key_are_a_problem_not_a_traceback(
    env: dict[str, str], mongo_db: Database, connected: StoredConnection
) -> None:
    other_key = {**env, "ZBSYNC_SECRET_KEY": Fernet.generate_key().decode()}

    check_code, check_out = await _zbsync(other_key, "check")
    status_code, status_out = await _zbsync(other_key, "status")

    assert check_code == 1
    assert check_out.startswith("connection_unreadable: a stored Zoho token cannot be decrypted")
    assert "fix: put the key that sealed the tokens back into ZBSYNC_SECRET_KEY" in check_out
    assert status_code == 0
    assert " ".join(status_out.split()).startswith(
        "connection unreadable: a stored Zoho token cannot be decrypted"
    )


async def test_status_when_nothing_happened_yet(env: dict[str, str], mongo_db: Database) -> None:
    code, out = await _zbsync(env, "status")

    assert code == 0
    assert [" ".join(line.split()) for line in out.splitlines()] == [
        "connection not connected",
        f"organization {ORG}",
        "budget today 0 used, 1000 left (daily limit 1000)",
        "orders 0",
        "last reconcile never",
    ]


async def test_status_after_a_check_and_a_reconciler_pass(
    env: dict[str, str],
    mongo_db: Database,
    connected: StoredConnection,
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
) -> None:
    for order_id in ("1", "2", "3"):
        await _paid(mongo_db, order_id)
    await OrderRepository(mongo_db).change("3", lambda r: r and r.replace(state="synced"))
    await ReconcilerStore(mongo_db).record_pass(
        {"organization_id": ORG, "started_ms": 1_764_490_000_000, "manual": True, "found": 2,
         "synced": 1, "failed": 1, "duration_ms": 1500}
    )  # fmt: skip
    assert (await _zbsync(env, "check"))[0] == 0

    code, out = await _zbsync(env, "status")

    assert code == 0
    spent = len(await _books_calls(http, sandbox))
    assert spent == 3
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "connection connected (data center com)" in lines
    assert f"budget today {spent} used, {1000 - spent} left (daily limit 1000)" in lines
    assert lines[lines.index("orders 3") + 1 :][:2] == ["pending 2", "synced 1"]
    assert (
        "last reconcile 2025-11-30 08:06:40 UTC, manual: found 2, synced 1, failed 1 (1.5 s)"
        in lines
    )
