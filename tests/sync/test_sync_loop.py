"""The sync loop: live kicks and polled due orders, within a bounded number of tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.support.memory_stores import MemoryOrders
from worker.clock import SystemClock
from worker.domain.lanes import Lane
from worker.sync.loop import SyncLoop
from worker.sync.records import OrderRecord

HELD_MS = 2**62  # a lease the pass holds while it runs, as the order lease does


class HeldSync:
    """Passes that hold the order until the test releases them; who was worked on, in order."""

    def __init__(self, orders: MemoryOrders) -> None:
        self.orders = orders
        self.started: list[str] = []
        self.release = asyncio.Event()
        self.changed = asyncio.Condition()

    async def sync(self, order_id: str, lane: Lane = Lane.LIVE) -> bool:
        self._set(order_id, lease_until_ms=HELD_MS)
        await self._note(lambda: self.started.append(order_id))
        await self.release.wait()
        await self._note(lambda: self._set(order_id, due_at_ms=None, lease_until_ms=0))
        return True

    async def until(self, done: Callable[[], bool]) -> None:
        async with asyncio.timeout(5), self.changed:
            await self.changed.wait_for(done)

    def finished(self) -> int:
        return sum(r.due_at_ms is None for r in self.orders.records.values())

    def _set(self, order_id: str, **changes: object) -> None:
        self.orders.records[order_id] = self.orders.records[order_id].replace(**changes)

    async def _note(self, change: Callable[[], object]) -> None:
        async with self.changed:
            change()
            self.changed.notify_all()


def _due(orders: MemoryOrders, ids: list[str]) -> None:
    for order_id in ids:
        orders.records[order_id] = OrderRecord(order_id=order_id, due_at_ms=0)


async def test_kicks_beyond_the_task_cap_wait_in_the_database_for_a_poll() -> None:
    orders = MemoryOrders()
    ids = [str(n) for n in range(10)]
    _due(orders, ids)
    service = HeldSync(orders)
    kicked = SyncLoop(service, orders, SystemClock(), concurrency=2, max_tasks=4)

    for order_id in ids:
        kicked.kick(order_id)
    service.release.set()
    await kicked.stop(grace_seconds=5)  # lets the tasks it has finish

    assert service.started == ids[:4]  # the rest were left due, not queued in memory
    polled = SyncLoop(service, orders, SystemClock(), max_tasks=4, poll_seconds=0.01)
    polling = asyncio.create_task(polled.run())
    await service.until(lambda: service.finished() == len(ids))
    await polled.stop(grace_seconds=5)
    await polling

    assert sorted(service.started) == sorted(ids)  # every order once


async def test_a_kick_while_the_order_is_worked_on_runs_it_once_more_after() -> None:
    orders = MemoryOrders()
    _due(orders, ["1001"])
    service = HeldSync(orders)
    loop = SyncLoop(service, orders, SystemClock())

    loop.kick("1001")
    await service.until(lambda: service.started == ["1001"])
    loop.kick("1001")  # a newer event stored during the pass
    service.release.set()
    await service.until(lambda: len(service.started) == 2)
    await loop.stop(grace_seconds=5)

    assert service.started == ["1001", "1001"]
