"""Opening the MongoDB database named by the connection string.

Every collection the worker uses is named here, so a newcomer sees the whole
schema at a glance. Names keep to ``[A-Za-z_][A-Za-z0-9_]*`` (see
``../shared/mongodb-in-tests.md``).
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

ZOHO_CONNECTIONS = "zoho_connections"  # OAuth tokens (encrypted), refresh lease, mint log
ZOHO_BUDGETS = "zoho_budgets"  # per-organization request budget shared by replicas


def open_database(uri: str) -> tuple[AsyncMongoClient[Document], Database]:
    """A client and the database the URI names (default ``zbsync``)."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(uri, tz_aware=True, retryWrites=True)
    name = parse_uri(uri).get("database") or DEFAULT_DATABASE
    return client, client[name]


def with_database(uri: str, name: str) -> str:
    """The same MongoDB server, another database."""
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(path=f"/{name}"))
