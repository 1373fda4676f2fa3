"""Plain HTTP clients for the sandbox: raw requests, its control API, and authorized Books calls.

Used by the sandbox's own tests, the budget benchmark and the budget replicas test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp

from zoho_sandbox import OAuthClient, RunningSandbox

CLIENT = OAuthClient()
ALL_SCOPES = (
    "ZohoBooks.contacts.CREATE,ZohoBooks.contacts.READ,ZohoBooks.contacts.UPDATE,"
    "ZohoBooks.contacts.DELETE,ZohoBooks.invoices.CREATE,ZohoBooks.invoices.READ,"
    "ZohoBooks.invoices.UPDATE,ZohoBooks.invoices.DELETE,ZohoBooks.settings.READ"
)


@dataclass
class Response:
    """What came back: HTTP status and the JSON body (numbers parsed as Decimal)."""

    status: int
    body: dict[str, Any]

    @property
    def code(self) -> int | None:
        """Zoho's ``code``, if the body has one."""
        code = self.body.get("code")
        return int(code) if code is not None else None


@dataclass
class SandboxClient:
    """Plain HTTP calls against a running sandbox."""

    sandbox: RunningSandbox
    session: aiohttp.ClientSession

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: object = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Call ``origin + path`` and read the JSON answer."""
        async with self.session.request(
            method,
            self.sandbox.origin + path,
            params=params,
            json=json,
            data=data,
            headers=headers,
            allow_redirects=False,
        ) as resp:
            text = await resp.text()
            body = _loads(text) if text else {}
            return Response(resp.status, body)

    async def control(self, method: str, path: str, json: object = None) -> Response:
        """Call the sandbox's control API under ``/_sandbox``."""
        return await self.request(method, "/_sandbox" + path, json=json)

    async def grant_code(self, scope: str = ALL_SCOPES) -> str:
        """A Self-Client grant code, as Zoho's API console hands one out."""
        resp = await self.control(
            "POST", "/oauth/code", {"client_id": CLIENT.client_id, "scope": scope}
        )
        assert resp.status == 200, resp.body
        return str(resp.body["code"])

    async def exchange(self, code: str) -> Response:
        """The authorization-code grant at the accounts token endpoint."""
        return await self.request(
            "POST",
            "/oauth/v2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": CLIENT.client_id,
                "client_secret": CLIENT.client_secret,
                "redirect_uri": "http://127.0.0.1/oauth/callback",
                "code": code,
            },
        )

    async def refresh(self, refresh_token: str) -> Response:
        """The refresh-token grant at the accounts token endpoint."""
        return await self.request(
            "POST",
            "/oauth/v2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": CLIENT.client_id,
                "client_secret": CLIENT.client_secret,
                "refresh_token": refresh_token,
            },
        )

    async def connect(self, scope: str = ALL_SCOPES) -> BooksClient:
        """A Books client holding a fresh access token for the seeded organization."""
        tokens = await self.exchange(await self.grant_code(scope))
        assert "access_token" in tokens.body, tokens.body
        return BooksClient(
            self,
            str(tokens.body["access_token"]),
            str(tokens.body["refresh_token"]),
            self.sandbox.config.organization_id,
        )


@dataclass
class BooksClient:
    """Calls to ``/books/v3`` with a token and the organization id filled in."""

    raw: SandboxClient
    access_token: str
    refresh_token: str
    organization_id: str

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: object = None,
        with_org: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """One Books API call; ``path`` is relative to ``/books/v3``."""
        query = dict(params or {})
        if with_org:
            query.setdefault("organization_id", self.organization_id)
        return await self.raw.request(
            method,
            "/books/v3" + path,
            params=query,
            json=json,
            headers={"Authorization": f"Zoho-oauthtoken {self.access_token}", **(headers or {})},
        )


def _loads(text: str) -> dict[str, Any]:
    value = json.loads(text, parse_float=Decimal)
    return value if isinstance(value, dict) else {"_": value}
