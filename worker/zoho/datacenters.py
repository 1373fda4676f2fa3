"""Zoho's data centers and the URLs the client may call with credentials.

An organization, its users and its tokens live in exactly one data center;
both the token calls and the Books calls go to that data center's hosts. The
token response's ``api_domain`` names the API host; an explicit override
(``ZBSYNC_ZOHO_ACCOUNTS_URL`` / ``ZBSYNC_ZOHO_API_URL``: the sandbox, a proxy)
wins over both. Credentials are only ever sent to a Zoho host or an override.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

BOOKS_PATH = "/books/v3"
TOKEN_PATH = "/oauth/v2/token"  # noqa: S105 - a URL path, not a secret
REVOKE_PATH = "/oauth/v2/token/revoke"
AUTHORIZE_PATH = "/oauth/v2/auth"


@dataclass(frozen=True)
class DataCenter:
    """One Zoho data center: where its accounts server and Books API live."""

    name: str
    accounts_origin: str
    api_origin: str

    @property
    def api_base(self) -> str:
        """The Books API base, ``{api_origin}/books/v3``."""
        return self.api_origin + BOOKS_PATH


DATA_CENTERS: dict[str, DataCenter] = {
    dc.name: dc
    for dc in (
        DataCenter("com", "https://accounts.zoho.com", "https://www.zohoapis.com"),
        DataCenter("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu"),
        DataCenter("in", "https://accounts.zoho.in", "https://www.zohoapis.in"),
        DataCenter("com.au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
        DataCenter("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp"),
        # Canada's accounts server is on zohocloud.ca, not zoho.ca.
        DataCenter("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
        DataCenter("com.cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
        DataCenter("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa"),
    )
}

_ZOHO_DOMAINS = ("zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zoho.jp", "zohocloud.ca",
                 "zoho.com.cn", "zoho.sa", "zohoapis.com", "zohoapis.eu", "zohoapis.in",
                 "zohoapis.com.au", "zohoapis.jp", "zohoapis.ca", "zohoapis.com.cn",
                 "zohoapis.sa")  # fmt: skip


def is_zoho_host(url: str) -> bool:
    """True for an https URL on one of Zoho's own domains."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == domain or host.endswith("." + domain) for domain in _ZOHO_DOMAINS
    )


@dataclass(frozen=True)
class Endpoints:
    """Where this worker sends token calls and Books calls."""

    accounts_origin: str
    api_base: str

    @property
    def token_url(self) -> str:
        """Mint and refresh tokens here."""
        return self.accounts_origin + TOKEN_PATH

    @property
    def revoke_url(self) -> str:
        """Revoke tokens here."""
        return self.accounts_origin + REVOKE_PATH

    @property
    def authorize_url(self) -> str:
        """Send the admin's browser here to consent."""
        return self.accounts_origin + AUTHORIZE_PATH


def resolve_endpoints(
    data_center: str,
    *,
    api_domain: str | None = None,
    accounts_override: str | None = None,
    api_override: str | None = None,
) -> Endpoints:
    """The accounts origin and API base in force, by precedence: override, api_domain, table."""
    dc = DATA_CENTERS[data_center]
    accounts = _strip(accounts_override) if accounts_override else dc.accounts_origin
    if api_override:
        api_base = _strip(api_override)
    elif api_domain and is_zoho_host(api_domain):
        api_base = _strip(api_domain) + BOOKS_PATH
    else:
        api_base = dc.api_base
    return Endpoints(accounts_origin=accounts, api_base=api_base)


def _strip(url: str) -> str:
    return url.rstrip("/")
