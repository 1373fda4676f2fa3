"""What the API needs from the rest of the worker: the sync ports and services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from ..domain.preflight import Problem
from ..reconcile.passes import PassSummary
from ..sync.manual import ManualActions
from ..sync.ports import AuditLog, OrderStore, SettingsStore


class Preflight(Protocol):
    """The preflight check (``bootstrap.inspection.check``)."""

    async def __call__(self) -> list[Problem]:
        """Each problem with its fix; empty when orders can become invoices."""
        ...


class Reconcile(Protocol):
    """Manual reconciler passes (``reconcile.runner.Reconciler``)."""

    async def run_now(self) -> PassSummary:
        """Run a manual pass now; ``reconcile.runner.PassRunning`` while another pass runs."""
        ...


class Running(Protocol):
    """The console settings a process runs with (``bootstrap.live_settings.LiveSettings``)."""

    def running(self) -> dict[str, Any]:
        """Each setting's value in force."""
        ...

    async def refresh(self) -> tuple[str, ...]:
        """Apply the stored live settings now; the names of those that changed."""
        ...


@dataclass(frozen=True)
class SettingsParts:
    """The console's settings: the store, the environment's values (and which it set), and
    the values this process runs with: ``running`` alone (a change applies at the next
    start) or ``live`` (the live settings apply at once)."""

    store: SettingsStore
    environment: dict[str, Any]
    explicit: frozenset[str]
    running: dict[str, Any]
    live: Running | None = None


@dataclass(frozen=True)
class ApiServices:
    """The parts the handlers use; ``reconcile`` is None until an organization is chosen."""

    orders: OrderStore
    audit: AuditLog
    manual: ManualActions
    reconcile: Reconcile | None
    settings: SettingsParts | None = None  # None: the settings endpoints answer 503
    preflight: Preflight | None = None  # None: the preflight endpoint answers 503


SERVICES = web.AppKey("services", ApiServices)


def services(request: web.Request) -> ApiServices:
    """The services of the app serving ``request``."""
    return request.app[SERVICES]


class ConnectionControl(Protocol):
    """Connecting Zoho (``worker.bootstrap.connection.ConnectionControl``)."""

    async def begin(self, data_center: str | None, *, browser_bound: bool) -> tuple[str, str]:
        """The authorization URL and its state."""
        ...

    async def finish(
        self, code: str, state: str, accounts_server: str | None, *, browser_state: str | None
    ) -> list[dict[str, Any]]:
        """Finish a consent; the organizations the token sees."""
        ...

    async def disconnect(self) -> bool:
        """Revoke and forget; False when nothing was connected."""
        ...

    async def status(self) -> dict[str, Any]:
        """The connection's status (never a token)."""
        ...

    async def organizations(self) -> list[dict[str, Any]]:
        """The organizations visible to the token."""
        ...


CONNECTION = web.AppKey("connection", ConnectionControl)
# Where a browser goes after Zoho's consent (the console's page), when a console is served.
CONSENT_LANDING = web.AppKey("consent_landing", str)
