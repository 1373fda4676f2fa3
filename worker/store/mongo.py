"""Opening the MongoDB database named by the connection string.

Every collection the worker uses is named here, so a newcomer sees the whole
schema at a glance. Names keep to ``[A-Za-z_][A-Za-z0-9_]*`` (see
``../shared/mongodb-in-tests.md``).

Durability is set once, on the client (SPEC §5): every write waits for a
majority of the replica set and the journal, every read goes to the primary
and sees only majority-committed data, so an acknowledged event, intent or
token survives a failover. Every database and collection inherits it; these
options win over any the connection string gives.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.uri_parser import parse_uri

Document = dict[str, Any]
Database = AsyncDatabase[Document]

DEFAULT_DATABASE = "zbsync"
DURABLE: dict[str, Any] = {
    "w": "majority",
    "journal": True,
    "readPreference": "primary",
    "readConcernLevel": "majority",
    "retryWrites": True,
}

ZOHO_CONNECTIONS = "zoho_connections"  # OAuth tokens (encrypted), refresh lease, mint log
CONSOLE_SETTINGS = "settings"  # values set in the console, the environment last seen
ZOHO_BUDGETS = "zoho_budgets"  # per-organization request budget shared by replicas
OAUTH_STATES = "oauth_states"  # pending consents: single-use OAuth states with their expiry


def open_database(uri: str, **options: Any) -> tuple[AsyncMongoClient[Document], Database]:
    """A client and the database the URI names (default ``zbsync``), with durable settings.

    ``options`` are further client options (timeouts, listeners); they cannot weaken durability.
    """
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        uri, **{"tz_aware": True, **options, **DURABLE}
    )
    name = parse_uri(uri).get("database") or DEFAULT_DATABASE
    return client, client[name]


def with_database(uri: str, name: str) -> str:
    """The same MongoDB server, another database."""
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(path=f"/{name}"))
