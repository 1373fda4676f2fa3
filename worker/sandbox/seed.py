"""STUB — replaced by helper B: the seeded organization, taxes and currencies."""

from __future__ import annotations

from .clock import SandboxClock
from .config import SandboxConfig
from .store import BooksStore, OrgBooks


def seeded_store(config: SandboxConfig, clock: SandboxClock) -> BooksStore:
    """A store with the configured organization."""
    del clock
    store = BooksStore()
    store.orgs[config.organization_id] = OrgBooks(
        organization={"organization_id": config.organization_id, "name": config.organization_name}
    )
    return store
