"""Per-customer locks inside one process: exclusive per key, and forgotten when idle."""

from __future__ import annotations

import asyncio

from worker.sync.contacts import KeyedLocks


async def test_one_holder_per_key_and_no_locks_left_behind() -> None:
    locks = KeyedLocks()
    inside: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}

    async def work(key: str) -> None:
        async with locks.hold(key):
            inside[key] += 1
            most[key] = max(most[key], inside[key])
            await asyncio.sleep(0)
            inside[key] -= 1

    await asyncio.gather(*(work(key) for key in "abababab"))

    assert most == {"a": 1, "b": 1}
    assert len(locks) == 0
