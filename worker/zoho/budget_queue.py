"""Who in this process competes for the shared budget next: highest lane, then oldest.

Only the head of the queue asks MongoDB for a slot; everyone else waits for
their turn, so a caller in a lower lane is overtaken by any higher-lane caller
that arrives later. The head naps while the budget is spent; a newcomer that
takes the head, or a slot released in this process, cuts the nap short.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from dataclasses import dataclass, field

from ..clock import Clock


@dataclass(order=True)
class Ticket:
    """One waiting caller; ordered by lane, then arrival."""

    lane: int
    seq: int
    turn: asyncio.Event = field(compare=False, default_factory=asyncio.Event)


class LaneQueue:
    """Priority order among this process's waiting callers."""

    def __init__(self) -> None:
        self._heap: list[Ticket] = []
        self._seq = itertools.count()
        self._nudge: asyncio.Event | None = None

    def __len__(self) -> int:
        return len(self._heap)

    def join(self, lane: int) -> Ticket:
        """Queue a caller; if it goes to the front, the previous head stops napping."""
        ticket = Ticket(lane, next(self._seq))
        heapq.heappush(self._heap, ticket)
        if self._heap[0] is ticket:
            self.nudge()
        return ticket

    def leave(self, ticket: Ticket) -> None:
        """Take a caller out (served, failed or cancelled) and wake the next head."""
        was_head = self._heap[0] is ticket
        self._heap.remove(ticket)
        heapq.heapify(self._heap)
        if was_head and self._heap:
            self._heap[0].turn.set()

    def is_head(self, ticket: Ticket) -> bool:
        """Whether this caller is the one that may ask for budget now."""
        return self._heap[0] is ticket

    async def my_turn(self, ticket: Ticket) -> None:
        """Return once this caller is at the front."""
        while not self.is_head(ticket):
            ticket.turn.clear()
            await ticket.turn.wait()

    def nudge(self) -> None:
        """Something changed locally (a release, a new head): the napping head looks again."""
        if self._nudge is not None:
            self._nudge.set()

    async def nap(self, clock: Clock, seconds: float) -> None:
        """Sleep on ``clock`` for ``seconds``, or until nudged."""
        nudged = self._nudge = asyncio.Event()
        sleeper = asyncio.ensure_future(clock.sleep(seconds))
        waker = asyncio.ensure_future(nudged.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._nudge = None
            sleeper.cancel()
            waker.cancel()
