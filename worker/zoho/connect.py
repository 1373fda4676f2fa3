"""Storing a refresh token: from the environment at start, or from a console connect.

``ZBSYNC_ZOHO_REFRESH_TOKEN`` connects without the browser flow. It is stored
(encrypted) at the first start; a later connect from the console replaces it,
and the unchanged environment value does not overwrite that again. Only when
the environment value itself changes does it win once more. The value is
recognised by a SHA-256 fingerprint, never stored in clear.
"""

from __future__ import annotations

import structlog

from ..clock import Clock
from ..domain.connection import StoredConnection
from ..domain.token_rules import token_fingerprint
from .ports import ConnectionStore

log = structlog.get_logger(__name__)


async def store_refresh_token(
    repository: ConnectionStore,
    clock: Clock,
    *,
    data_center: str,
    client_id: str,
    refresh_token: str,
    accounts_origin: str | None = None,
    api_domain: str | None = None,
    env_fingerprint: str | None = None,
    scopes: tuple[str, ...] | None = None,
) -> StoredConnection:
    """Make ``refresh_token`` the connection's; drops the old access token and a broken mark.

    ``scopes``: what the consent that gave the token asked for; None when not known.
    """
    while True:
        current = await repository.load()
        keep = current or StoredConnection(data_center, client_id, refresh_token)
        fresh = StoredConnection(
            data_center=data_center,
            client_id=client_id,
            refresh_token=refresh_token,
            accounts_origin=accounts_origin,
            api_domain=api_domain,
            # The mint log and a lock-out belong to Zoho's view of this client: keep them.
            mints_ms=keep.mints_ms,
            denied_until_ms=keep.denied_until_ms,
            env_fingerprint=env_fingerprint or keep.env_fingerprint,
            scopes=scopes,
            updated_at_ms=clock.now_ms(),
            version=current.version if current else 0,
        )
        saved = await repository.save(fresh)
        if saved is not None:
            return saved


async def adopt_environment_token(
    repository: ConnectionStore,
    clock: Clock,
    *,
    data_center: str,
    client_id: str,
    refresh_token: str,
) -> bool:
    """Store the environment's refresh token unless that same value was seen before."""
    mark = token_fingerprint(refresh_token)
    current = await repository.load()
    if current is not None and current.env_fingerprint == mark:
        return False
    await store_refresh_token(
        repository,
        clock,
        data_center=data_center,
        client_id=client_id,
        refresh_token=refresh_token,
        env_fingerprint=mark,
    )
    log.info("zoho connected from ZBSYNC_ZOHO_REFRESH_TOKEN", data_center=data_center)
    return True
