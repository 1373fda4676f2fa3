"""The composition root: builds every part of a replica from ``Settings`` and wires them.

Nothing here does work; it only decides which implementation each part gets, so
the rest of the code can be read (and tested) without it. ``app`` runs what
``build_worker`` builds; tests, the demo and the benchmarks build through here
too, replacing parts with keyword overrides.
"""

from __future__ import annotations

from .admin_api import build_admin_api
from .console_settings import AppliedSettings, console_settings
from .replica import (
    Stores,
    SyncParts,
    Worker,
    build_sync,
    build_worker,
    replica_name,
    sync_policy,
)
from .zoho_client import (
    ZohoParts,
    build_zoho,
    client_credentials,
    connect_from_environment,
    token_endpoint_for,
)

__all__ = [
    "AppliedSettings",
    "Stores",
    "SyncParts",
    "Worker",
    "ZohoParts",
    "build_admin_api",
    "build_sync",
    "build_worker",
    "build_zoho",
    "client_credentials",
    "connect_from_environment",
    "console_settings",
    "replica_name",
    "sync_policy",
    "token_endpoint_for",
]
