"""What the outage tests look at: a worker's readiness, the queues, the sandbox's faults."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import aiohttp

from tests.support.worker_process import WorkerProcess
from worker.messaging.topology import Topology


def api_url(worker: WorkerProcess) -> str:
    """The admin API's address, from the worker's ``admin api listening`` line."""
    [listening] = [e for e in worker.events() if e.get("event") == "admin api listening"]
    return str(listening["url"])


@dataclass
class Readiness:
    """``GET /readyz`` of one worker, with every answer seen kept in order."""

    http: aiohttp.ClientSession
    base: str
    seen: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    async def probe(self) -> tuple[int, dict[str, Any]]:
        """Status and body now (0 and {} when the API does not answer)."""
        try:
            async with self.http.get(f"{self.base}/readyz") as resp:
                answer: tuple[int, dict[str, Any]] = (resp.status, await resp.json())
        except aiohttp.ClientError:
            answer = (0, {})
        self.seen.append(answer)
        return answer

    async def ready(self) -> bool:
        """200 and ready now."""
        status, body = await self.probe()
        return status == 200 and body.get("ready") is True

    async def failing(self, check: str) -> bool:
        """503, with ``check`` failing, now."""
        status, body = await self.probe()
        return status == 503 and body["checks"][check]["ok"] is False

    def transitions(self) -> list[int]:
        """The statuses seen, each run of equal ones counted once (200, 503, 200, ...)."""
        runs: list[int] = []
        for status, _ in self.seen:
            if not runs or runs[-1] != status:
                runs.append(status)
        return runs


async def queue_depths(amqp_url: str, topology: Topology) -> tuple[int, int]:
    """Messages ready in the worker's queue and in its dead-letter queue."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        depths = []
        for name in (topology.queue, topology.dead_letter_queue):
            queue = await channel.declare_queue(name, passive=True)
            count = queue.declaration_result.message_count
            assert count is not None
            depths.append(count)
        return depths[0], depths[1]


def event_outcomes(*workers: WorkerProcess) -> Counter[str]:
    """How the workers' consumers settled messages (``stored``, ``returned``, ...)."""
    return Counter(
        str(e.get("outcome"))
        for worker in workers
        for e in worker.events()
        if e.get("event") == "event"
    )


def log_count(event: str, *workers: WorkerProcess) -> int:
    """How many log lines with this ``event`` the workers wrote."""
    return sum(1 for w in workers for e in w.events() if e.get("event") == event)


async def add_rule(
    http: aiohttp.ClientSession, origin: str, request_class: str, mode: str, **extra: Any
) -> str:
    """Put a sandbox fault rule in force until removed; its id."""
    rule = {"request_class": request_class, "mode": mode, "times": None, **extra}
    async with http.post(f"{origin}/_sandbox/faults", json=rule) as resp:
        assert resp.status == 201, await resp.text()
        return str((await resp.json())["fault"]["id"])


async def fault_hits(http: aiohttp.ClientSession, origin: str) -> int:
    """Requests the rules in force have hit so far."""
    async with http.get(f"{origin}/_sandbox/faults") as resp:
        faults: list[dict[str, Any]] = (await resp.json())["faults"]
    return sum(int(f["hits"]) for f in faults)


async def clear_faults(http: aiohttp.ClientSession, origin: str) -> None:
    """No rule in force any more."""
    async with http.delete(f"{origin}/_sandbox/faults") as resp:
        assert resp.status == 200


def invoices_by_reference(books: dict[str, Any]) -> Counter[str]:
    """How many invoices the sandbox holds per reference number."""
    return Counter(str(i["reference_number"]) for i in books["invoices"])
