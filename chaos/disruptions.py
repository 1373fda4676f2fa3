"""The ways a scenario breaks things while its workload runs; each bounded and seeded."""

from __future__ import annotations

import asyncio
import contextlib

from worker.sync.crash import STEPS

from .context import Chaos

CRASH_WAIT_S = 25.0  # how long a crash-step replica gets to meet a create before it is left be


async def random_kills(chaos: Chaos, kills: int = 3) -> None:
    """SIGKILL a random replica at random moments during the first phases; start a replacement."""
    await chaos.published[0].wait()  # so after the crash-step replicas started
    for _ in range(kills):
        await asyncio.sleep(chaos.rng.uniform(0.5, 3.0))
        running = chaos.alive(lambda w: w not in chaos.crashers)
        if not running:
            continue
        victim = chaos.rng.choice(running)
        await victim.kill()
        chaos.kills += 1
        await chaos.start()
        chaos.disrupted()


async def crash_steps(chaos: Chaos) -> None:
    """One replica per create step that SIGKILLs itself there, all started before phase 0 is
    published (``chaos.ready``); each that died is replaced by a replica that does not crash."""
    try:
        crashers = await asyncio.gather(
            *(chaos.start(ZBSYNC_TEST_CRASH_AT=step) for step in sorted(STEPS))
        )
        chaos.crashers += [crasher for [crasher] in crashers]
    finally:
        chaos.ready.set()
    crashed = 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(CRASH_WAIT_S):
            for finished in asyncio.as_completed([c.process.wait() for c in chaos.crashers]):
                await finished
                crashed += 1
                chaos.kills += 1
                await chaos.start()
                chaos.disrupted()
    for crasher in chaos.crashers:
        await crasher.kill()  # never met a create at its step within the wait: let it go
    chaos.notes.append(f"{crashed}/{len(STEPS)} crash steps hit")


async def kills_and_crash_steps(chaos: Chaos) -> None:
    """Both at once."""
    await asyncio.gather(random_kills(chaos), crash_steps(chaos))


async def broker_restart(chaos: Chaos) -> None:
    """Stop the scenario's own RabbitMQ node while phase 0 is published, start it again."""
    assert chaos.broker is not None
    node = chaos.broker
    await asyncio.sleep(chaos.rng.uniform(0.1, 0.4))  # the publisher is at it by now
    await asyncio.to_thread(node.stop_app)
    await asyncio.sleep(chaos.rng.uniform(2.0, 4.0))
    await asyncio.to_thread(node.start_app)
    chaos.disrupted()


async def database_restart(chaos: Chaos) -> None:
    """Kill the scenario's own MongoDB before phase 0 is published; SIGKILL every replica while
    it is down (each holds what it could not store); start the database and fresh replicas."""
    assert chaos.database is not None
    await asyncio.to_thread(chaos.database.kill)
    await chaos.published[0].wait()
    await asyncio.sleep(chaos.rng.uniform(3.0, 5.0))  # the replicas take messages they can't store
    running = chaos.alive()
    for replica in running:
        await replica.kill()
    chaos.kills += len(running)
    await asyncio.to_thread(chaos.database.start)
    await chaos.start(len(running))
    chaos.disrupted()


async def broker_and_database_restart(chaos: Chaos) -> None:
    """Both outages in one run: the broker's while phase 0 is published, inside the database's."""
    await asyncio.gather(broker_restart(chaos), database_restart(chaos))
