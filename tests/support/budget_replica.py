"""One replica as its own OS process: Zoho calls through the shared budget, counted.

Run as ``python -m tests.support.budget_replica --api-url ... --token ...``
(see ``--help``). Several tasks share the process's budget; every call takes a
LIVE slot, calls ``GET /settings/taxes``, and on a 429 tells the budget and
tries again. Prints one JSON line: the outcomes of all attempts
(``"<http status>/<code>"`` → count), the calls that succeeded, and the
replica's start and end on its clock (epoch ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from typing import Any

import aiohttp
from pymongo import AsyncMongoClient

from worker.clock import SystemClock
from worker.domain.budget_ledger import BudgetLimits
from worker.domain.lanes import Lane
from worker.store.budget import BudgetRepository
from worker.store.mongo import open_database
from worker.zoho.budget import RequestBudget


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("--mongodb-uri", "--database", "--organization-id", "--api-url", "--token"):
        parser.add_argument(name, required=True)
    parser.add_argument("--owner", default="replica")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--requests-per-window", type=int, required=True)
    parser.add_argument("--window-ms", type=int, default=1000)
    parser.add_argument("--max-concurrency", type=int, default=5)
    return parser.parse_args(argv)


class Replica:
    """The calls one process makes, and what came back."""

    def __init__(self, args: argparse.Namespace, budget: RequestBudget) -> None:
        self._args = args
        self._budget = budget
        self._left = args.calls
        self.outcomes: Counter[str] = Counter()
        self.succeeded = 0

    async def work(self, http: aiohttp.ClientSession) -> None:
        """Make calls until this process's share is done."""
        while self._left > 0:
            self._left -= 1
            while not await self._call(http):
                pass

    async def _call(self, http: aiohttp.ClientSession) -> bool:
        async with self._budget.slot(Lane.LIVE):
            status, code = await self._get_taxes(http)
            if code == 45:
                await self._budget.note_rate_limited(code)
        self.outcomes[f"{status}/{code}"] += 1
        if status == 429 and code in (44, 1070):
            await self._budget.note_rate_limited(code)
        self.succeeded += status == 200 and code == 0
        return status != 429

    async def _get_taxes(self, http: aiohttp.ClientSession) -> tuple[int, int | None]:
        async with http.get(
            f"{self._args.api_url}/settings/taxes",
            params={"organization_id": self._args.organization_id},
            headers={"Authorization": f"Zoho-oauthtoken {self._args.token}"},
        ) as response:
            body: dict[str, Any] = await response.json()
            return response.status, body.get("code")


def _budget(args: argparse.Namespace, client: AsyncMongoClient[dict[str, Any]]) -> RequestBudget:
    limits = BudgetLimits(
        requests_per_window=args.requests_per_window,
        window_ms=args.window_ms,
        max_concurrency=args.max_concurrency,
        daily_limit=1_000_000,
    )
    repository = BudgetRepository(client[args.database])
    return RequestBudget(repository, args.organization_id, limits, SystemClock(), args.owner)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Do the work and say what happened."""
    clock = SystemClock()
    client, _ = open_database(args.mongodb_uri)
    replica = Replica(args, _budget(args, client))
    started = clock.now_ms()
    try:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(replica.work(http) for _ in range(args.tasks)))
    finally:
        await client.close()
    return {
        "outcomes": dict(replica.outcomes),
        "succeeded": replica.succeeded,
        "started_ms": started,
        "ended_ms": clock.now_ms(),
    }


def main(argv: list[str]) -> None:
    """Entry point: run and print the JSON summary."""
    print(json.dumps(asyncio.run(run(_arguments(argv)))))  # noqa: T201 - the parent reads it


if __name__ == "__main__":
    main(sys.argv[1:])
