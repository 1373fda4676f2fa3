"""What the API needs from the rest of the worker: the sync ports and services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from ..reconcile.passes import PassSummary
from ..sync.manual import ManualActions
from ..sync.ports import AuditLog, OrderStore


class Reconcile(Protocol):
    """One reconciler pass (``reconcile.passes.ReconcilePass``)."""

    async def run(self, *, manual: bool) -> PassSummary:
        """Run a pass now."""
        ...


@dataclass(frozen=True)
class ApiServices:
    """The parts the handlers use; ``reconcile`` is None until an organization is chosen."""

    orders: OrderStore
    audit: AuditLog
    manual: ManualActions
    reconcile: Reconcile | None


SERVICES = web.AppKey("services", ApiServices)


def services(request: web.Request) -> ApiServices:
    """The services of the app serving ``request``."""
    return request.app[SERVICES]
