"""``zbsync demo``: the first thing a new user sees, on local defaults.

It starts the Zoho Books sandbox, connects to it the way an admin would (OAuth
code exchange; the refresh token stored encrypted in MongoDB), and reads the
organization, taxes and currencies through the worker's own Zoho client —
budget, shared token and all. The order pipeline joins it in a later release;
the command stays the same.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import aiohttp
from cryptography.fernet import Fernet
from pydantic import HttpUrl, SecretStr

from .bootstrap import build_zoho, replica_name
from .clock import SystemClock
from .config import Settings
from .sandbox.config import OAuthClient, SandboxConfig
from .sandbox.server import RunningSandbox, serving
from .store.connection import ConnectionRepository
from .store.mongo import ZOHO_CONNECTIONS, Database, open_database
from .zoho.budget import Lane
from .zoho.connect import store_refresh_token
from .zoho.oauth import OAuthClientCredentials, TokenEndpoint

DEMO_ENV = "demo.env"
DEMO_SCOPES = "ZohoBooks.contacts.ALL,ZohoBooks.invoices.ALL,ZohoBooks.settings.READ"
REDIRECT_URI = "http://127.0.0.1:8080/oauth/callback"


def ensure_demo_secrets(state_dir: Path) -> dict[str, str]:
    """Admin token and encryption key for the demo, generated once under ``state_dir``."""
    state_dir.mkdir(parents=True, exist_ok=True)
    env_file = state_dir / DEMO_ENV
    if env_file.exists():
        lines = env_file.read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)
    values = {
        "ZBSYNC_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "ZBSYNC_SECRET_KEY": Fernet.generate_key().decode(),
    }
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.writelines(f"{key}={value}\n" for key, value in values.items())
    return values


def demo_settings(
    settings: Settings, sandbox: RunningSandbox, generated: dict[str, str]
) -> Settings:
    """The user's settings, pointed at the sandbox, with the demo's generated secrets."""
    client = OAuthClient()
    return settings.model_copy(
        update={
            "zoho_client_id": client.client_id,
            "zoho_client_secret": SecretStr(client.client_secret),
            "zoho_accounts_url": HttpUrl(sandbox.accounts_url),
            "zoho_api_url": HttpUrl(sandbox.api_url),
            "admin_token": SecretStr(generated["ZBSYNC_ADMIN_TOKEN"]),
            "secret_key": SecretStr(generated["ZBSYNC_SECRET_KEY"]),
        }
    )


async def run_demo(settings: Settings, state_dir: Path) -> int:
    """Run the demo and print what it saw; 0 when everything answered."""
    generated = ensure_demo_secrets(state_dir)
    print(f"Admin token (kept in {state_dir / DEMO_ENV}): {generated['ZBSYNC_ADMIN_TOKEN']}")
    sandbox_config = SandboxConfig(openapi_dir=settings.zoho_openapi_dir)
    mongo, db = open_database(str(settings.mongodb_uri))
    try:
        async with serving(sandbox_config) as sandbox, aiohttp.ClientSession() as http:
            print(f"Zoho Books sandbox listening at {sandbox.origin}")
            demo = demo_settings(settings, sandbox, generated)
            await _connect(demo, db, http, sandbox)
            print(f"Connected; tokens stored encrypted in MongoDB ({db.name}.{ZOHO_CONNECTIONS})")
            await _tour(demo, db, http, sandbox_config.organization_id)
    finally:
        await mongo.close()
    print(
        "\nComing next: the worker consumes order events from RabbitMQ and turns each paid "
        "order into exactly one draft invoice here (see the README's roadmap)."
    )
    return 0


async def _connect(
    settings: Settings, db: Database, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    """What the admin's "Connect Zoho" does, with the sandbox's Self-Client code."""
    client = OAuthClient()
    async with http.post(
        f"{sandbox.origin}/_sandbox/oauth/code",
        json={"client_id": client.client_id, "scope": DEMO_SCOPES},
    ) as resp:
        code = str((await resp.json())["code"])
    endpoint = TokenEndpoint(
        http, sandbox.accounts_url, OAuthClientCredentials(client.client_id, client.client_secret)
    )
    minted = await endpoint.exchange_code(code, REDIRECT_URI)
    assert minted.refresh_token is not None  # exchange_code guarantees it
    await store_refresh_token(
        ConnectionRepository(db, settings.fernet()),
        SystemClock(),
        data_center=settings.zoho_data_center,
        client_id=client.client_id,
        refresh_token=minted.refresh_token,
        api_domain=minted.api_domain,
    )


async def _tour(settings: Settings, db: Database, http: aiohttp.ClientSession, org_id: str) -> None:
    zoho = build_zoho(settings, db, http, org_id, owner=replica_name())
    org = await zoho.books.organization(Lane.MANUAL)
    limit = zoho.adopt_plan_limit(settings.zoho_daily_limit, org)
    print(
        f"Organization {org.name} ({org.organization_id}): base currency {org.currency_code}, "
        f"plan {org.plan_name}, daily API budget {limit}"
    )
    taxes = await zoho.books.taxes(Lane.MANUAL)
    print(f"\nTaxes ({len(taxes)}):")
    for tax in taxes:
        state = "active" if tax.is_active else "inactive"
        rate = tax.tax_percentage.normalize()
        print(f"  {tax.tax_name:<28} {rate:>6f} %  {tax.tax_type:<10} {state}")
    currencies = await zoho.books.currencies(Lane.MANUAL)
    codes = ", ".join(
        c.currency_code + (" (base)" if c.is_base_currency else "") for c in currencies
    )
    print(f"\nCurrencies: {codes}")
    usage = await zoho.budget.usage()
    print(
        f"\nZoho budget: {usage.in_window} requests this minute ({usage.window_left} left), "
        f"{usage.today} today ({usage.day_left} left)"
    )
