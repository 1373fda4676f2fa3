"""``zbsync demo``: the first thing a new user sees, on local defaults.

Today it starts the Zoho Books sandbox, connects to it the way the worker will
(OAuth code exchange, then the Books API) and shows the organization, taxes and
currencies a worker would map orders onto. The order pipeline joins it in a
later release; the command stays the same.
"""

from __future__ import annotations

import json
import os
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.fernet import Fernet

from .config import Settings
from .sandbox.config import OAuthClient, SandboxConfig
from .sandbox.server import serving

DEMO_ENV = "demo.env"
DEMO_SCOPES = "ZohoBooks.contacts.ALL,ZohoBooks.invoices.ALL,ZohoBooks.settings.READ"


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


async def run_demo(settings: Settings, state_dir: Path) -> int:
    """Run the demo and print what it saw; 0 when everything answered."""
    demo_secrets = ensure_demo_secrets(state_dir)
    print(f"Admin token (kept in {state_dir / DEMO_ENV}): {demo_secrets['ZBSYNC_ADMIN_TOKEN']}")
    async with (
        serving(SandboxConfig(openapi_dir=settings.zoho_openapi_dir)) as sandbox,
        aiohttp.ClientSession() as http,
    ):
        print(f"Zoho Books sandbox listening at {sandbox.origin}")
        token = await _connect(http, sandbox.origin)
        books = _Books(http, token["api_domain"] + "/books/v3", token["access_token"])
        orgs = await books.get("/organizations")
        org = orgs["organizations"][0]
        print(
            f"Connected to organization {org['name']} ({org['organization_id']}), "
            f"base currency {org['currency_code']}"
        )
        await _show_taxes(books, str(org["organization_id"]))
        await _show_currencies(books, str(org["organization_id"]))
    print(
        "\nComing next: the worker consumes order events from RabbitMQ and turns each paid "
        "order into exactly one draft invoice here (see the README's roadmap)."
    )
    return 0


async def _connect(http: aiohttp.ClientSession, origin: str) -> dict[str, str]:
    client = OAuthClient()
    async with http.post(
        f"{origin}/_sandbox/oauth/code", json={"client_id": client.client_id, "scope": DEMO_SCOPES}
    ) as resp:
        code = (await resp.json())["code"]
    form = {
        "grant_type": "authorization_code",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "redirect_uri": "http://127.0.0.1:8080/oauth/callback",
        "code": code,
    }
    async with http.post(f"{origin}/oauth/v2/token", data=form) as resp:
        body: dict[str, str] = await resp.json()
    if "access_token" not in body:
        raise RuntimeError(f"the sandbox refused the code exchange: {body.get('error')}")
    print(f"OAuth: code exchanged, access token valid for {body['expires_in']} s")
    return body


class _Books:
    def __init__(self, http: aiohttp.ClientSession, base: str, token: str) -> None:
        self._http, self._base = http, base
        self._headers = {"Authorization": f"Zoho-oauthtoken {token}"}

    async def get(self, path: str, **params: str) -> dict[str, Any]:
        async with self._http.get(self._base + path, params=params, headers=self._headers) as r:
            body: dict[str, Any] = json.loads(await r.text(), parse_float=Decimal)
        if r.status >= 300 or body.get("code") != 0:
            raise RuntimeError(f"GET {path}: HTTP {r.status} code {body.get('code')}")
        return body


async def _show_taxes(books: _Books, org_id: str) -> None:
    taxes = (await books.get("/settings/taxes", organization_id=org_id))["taxes"]
    print(f"\nTaxes ({len(taxes)}):")
    for tax in taxes:
        state = "inactive" if tax.get("is_inactive") else "active"
        print(f"  {tax['tax_name']:<28} {tax['tax_percentage']:>7} %  {tax['tax_type']:<9} {state}")


async def _show_currencies(books: _Books, org_id: str) -> None:
    currencies = (await books.get("/settings/currencies", organization_id=org_id))["currencies"]
    codes = ", ".join(
        c["currency_code"] + (" (base)" if c.get("is_base_currency") else "") for c in currencies
    )
    print(f"\nCurrencies: {codes}")
