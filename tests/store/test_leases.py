"""Named leases: a fenced renewal extends only the holder's own, unexpired lease."""

from __future__ import annotations

import asyncio

from worker.store.leases import Leases
from worker.store.mongo import Database

NOW, TTL = 1_000_000, 30_000


async def test_the_holder_renews_past_the_first_expiry(mongo_db: Database) -> None:
    leases = Leases(mongo_db)
    fence = await leases.acquire("x", "a", TTL, NOW)
    assert fence is not None

    assert await leases.renew("x", "a", fence, TTL, NOW + TTL - 1)
    assert await leases.acquire("x", "b", TTL, NOW + TTL + 1) is None


async def test_a_lost_lease_is_not_renewed(mongo_db: Database) -> None:
    leases = Leases(mongo_db)
    fence = await leases.acquire("x", "a", TTL, NOW)
    assert fence is not None

    assert not await leases.renew("x", "a", fence + 1, TTL, NOW)  # another hold's fence
    assert not await leases.renew("x", "a", fence, TTL, NOW + TTL)  # expired, even if free
    taken = await leases.acquire("x", "b", TTL, NOW + TTL)
    assert taken == fence + 1
    assert not await leases.renew("x", "a", fence, TTL, NOW + TTL)
    await leases.release("x", "b")
    assert not await leases.renew("x", "b", taken, TTL, NOW + TTL)  # released
    assert not await leases.renew("y", "a", fence, TTL, NOW)  # never taken


async def test_concurrent_renewals_by_the_holder_all_succeed(mongo_db: Database) -> None:
    leases = Leases(mongo_db)
    fence = await leases.acquire("x", "a", TTL, NOW)
    assert fence is not None

    results = await asyncio.gather(*(leases.renew("x", "a", fence, TTL, NOW + i) for i in range(8)))

    assert all(results)
