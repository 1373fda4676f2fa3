"""Connection-string helpers for tests."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def with_database(uri: str, name: str) -> str:
    """The same MongoDB server, another database."""
    return urlunsplit(urlsplit(uri)._replace(path=f"/{name}"))
