"""What a scenario's disruption works with: the installation, the seeded random, the replicas."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.stack import Installation
from tests.support.nx_server import NxServer, start_nx, stop_nx
from tests.support.rabbit_node import RabbitNode
from tests.support.worker_process import WorkerProcess


@dataclass
class OwnDatabase:
    """An nx-27017 of the scenario's own, on a fixed port and data folder, so it can restart."""

    workdir: Path
    port: int
    data_dir: str
    server: NxServer | None = None

    def start(self) -> None:
        """Start the server (again) with the same data."""
        self.server = start_nx(self.workdir, port=self.port, data_dir=self.data_dir)

    def kill(self) -> None:
        """SIGKILL the server, as a crash would."""
        if self.server is not None:
            stop_nx(self.server, kill=True)
            self.server = None


@dataclass
class Chaos:
    """A running scenario, as its disruption sees it."""

    place: Installation
    rng: random.Random
    env: dict[str, str]  # the scenario's replicas' extra environment
    published: list[asyncio.Event]  # set once each phase was published
    database: OwnDatabase | None = None
    broker: RabbitNode | None = None
    last_disruption: float = 0.0  # monotonic seconds when the last disruption ended
    kills: int = 0  # replicas SIGKILLed by the suite or by their own crash step
    crashers: list[WorkerProcess] = field(default_factory=list)
    # Publishing starts once set (a scenario with ``prepares`` sets it; otherwise set at once).
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    notes: list[str] = field(default_factory=list)

    def disrupted(self) -> None:
        """Mark now as the end of a disruption (time to recover counts from the last one)."""
        self.last_disruption = asyncio.get_running_loop().time()

    def alive(self, keep: Callable[[WorkerProcess], bool] = lambda _w: True) -> list[WorkerProcess]:
        """The replicas still running."""
        return [w for w in self.place.replicas if w.process.returncode is None and keep(w)]

    async def start(self, count: int = 1, **env: str) -> list[WorkerProcess]:
        """More replicas, with the scenario's environment (and ``env``)."""
        return await self.place.start_replicas(count, **{**self.env, **env})
