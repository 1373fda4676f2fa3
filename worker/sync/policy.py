"""How the sync service behaves, from the settings; the part the console changes is live."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.create_timing import request_timeout_ms
from ..domain.invoice_mapping import MappingSettings


@dataclass(frozen=True)
class SyncPolicy:
    """Switches and waits of the per-order path."""

    auto_sync: bool = True
    list_lag_wait_ms: int = 30_000
    lease_ttl_ms: int = 30_000
    max_backoff_ms: int = 60_000
    # How long a copy of a contact the worker created stands in for reading it before a
    # write-back. A person's edit in Zoho inside this window can be overwritten by the next
    # write-back (docs/orders.md), so it is short: one reconciler interval (bootstrap passes
    # RECONCILE_INTERVAL), the time the service already takes to notice other changes made in
    # Zoho, and long enough for the common case, a customer correcting an order just paid.
    contact_copy_ttl_ms: int = 600_000
    mapping: MappingSettings = field(default_factory=MappingSettings)
    timezone_configured: bool = False  # False: invoice dates follow the organization's zone
    invoice_unique_field: str | None = None  # upsert mode, if Zoho confirms the field is unique

    @property
    def request_timeout_ms(self) -> int:
        """How long a Zoho request may take: within half the lease (see ``create_timing``)."""
        return request_timeout_ms(self.lease_ttl_ms)


class LivePolicy:
    """The ``SyncPolicy`` in force, replaced when the console's settings change (auto sync,
    reference template, labels, tax map; ``bootstrap.live_settings``).

    A reader takes ``current`` once per pass, so one pass never mixes old and new values.
    """

    def __init__(self, policy: SyncPolicy) -> None:
        self._policy = policy
        self._version = 0

    @property
    def current(self) -> SyncPolicy:
        """The policy for the next pass."""
        return self._policy

    @property
    def version(self) -> int:
        """How many times the policy was replaced since the start."""
        return self._version

    def replace(self, policy: SyncPolicy) -> None:
        """From now on, passes use ``policy``."""
        if policy != self._policy:
            self._policy = policy
            self._version += 1
