"""Switching auto sync on: orders that waited as ``pending`` are queued in the backfill lane.

The backfill lane is the budget's lowest, so a long backlog never holds up
live events. The switch is noticed by comparing with the value last seen. A
replica reloaded for another organization queues them the same way.
"""

from __future__ import annotations

import structlog

from ..clock import Clock
from ..domain.lanes import Lane
from ..sync.ports import OrderStore
from .ports import ReconcilerState

log = structlog.get_logger(__name__)


async def note_auto_sync(
    store: ReconcilerState,
    orders: OrderStore,
    clock: Clock,
    *,
    organization_id: str,
    auto_sync: bool,
) -> int:
    """Remember the switch's position; when it went from off to on, queue the backlog."""
    seen = (await store.state(organization_id)).get("auto_sync_seen")
    now_on = "on" if auto_sync else "off"
    await store.set_state(organization_id, auto_sync_seen=now_on)
    if not (seen == "off" and auto_sync):
        return 0
    queued = await queue_pending(orders, clock)
    log.info("auto sync switched on; backlog queued", orders=queued)
    return queued


async def queue_pending(orders: OrderStore, clock: Clock) -> int:
    """Make every ``pending`` order due now in the backfill lane; how many (a replica built
    for a newly chosen organization asks too, so the backlog does not wait out its backoff)."""
    pending = await orders.ids_in_state("pending")
    for order_id in pending:
        await orders.make_due(order_id, clock.now_ms(), Lane.BACKFILL.name)
    return len(pending)
