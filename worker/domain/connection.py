"""The Zoho connection as a value: tokens, the refresh lease and the mint log.

Every replica shares one such record (the Zoho client reads and writes it
through ``worker.zoho.ports.ConnectionStore``; ``worker/store/connection.py``
keeps it in MongoDB, tokens encrypted). Here the tokens are plain text, in
memory only, and never shown by ``repr``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StoredConnection:
    """The connection as the worker sees it: tokens in plain text, in memory only."""

    data_center: str
    client_id: str
    refresh_token: str
    status: str = "connected"  # connected | broken
    broken_reason: str | None = None
    accounts_origin: str | None = None  # from the consent redirect's accounts-server
    api_domain: str | None = None
    access_token: str | None = None
    access_expires_at_ms: int = 0
    expires_in: int = 0
    lease_owner: str | None = None
    lease_until_ms: int = 0
    mints_ms: tuple[int, ...] = ()
    denied_until_ms: int = 0
    # Since when token calls have been failing on Zoho's side (Accounts down, 5xx, timeout,
    # unreachable); 0 when the last call did not fail so. A mint clears it.
    refresh_failing_since_ms: int = 0
    # ``token_fingerprint`` of the access token Zoho refused (401, INVALID_OAUTHTOKEN) when
    # the refresh that was to replace it failed: that token is no use even before it expires.
    # A mint clears it.
    rejected_token_hash: str | None = None
    env_fingerprint: str | None = None
    # The scopes our consent asked for (Zoho's token answers do not name them); None when
    # unknown: a token from the environment or a pasted Self Client code. A refresh keeps them.
    scopes: tuple[str, ...] | None = None
    updated_at_ms: int = 0
    version: int = field(default=0, compare=False)

    def replace(self, **changes: Any) -> StoredConnection:
        """A copy with ``changes`` applied (same version: the write decides the next one)."""
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        return (
            f"StoredConnection(data_center={self.data_center!r}, status={self.status!r}, "
            f"version={self.version}, access_expires_at_ms={self.access_expires_at_ms})"
        )
