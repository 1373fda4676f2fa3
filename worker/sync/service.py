"""Driving one order to its invoice: the per-order path every trigger uses.

Live events, the sync loop, manual actions and the reconciler all call
``OrderSync.sync``. It takes the order's lease (one replica at a time), then
runs passes until the work it applied is the newest stored (events that
arrive meanwhile are stored by whoever received them and picked up here), and
releases the lease. Each pass asks ``decide`` for the next step, carries it
out, and records the outcome: a transient failure leaves the order due again
after a backoff; a problem a person must solve leaves it ``needs_attention``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from ..clock import Clock
from ..domain.decisions import Facts, State, Step, decide
from ..domain.problems import MappingProblem
from ..store.audit import AuditTrail
from ..store.orders import LeaseLost, OrderRecord, OrderRepository
from ..zoho.budget import Lane
from ..zoho.errors import ConnectionBroken, PermanentZohoError, TransientZohoError
from . import steps
from .policy import SyncPolicy
from .prepare import NotConnected, Preparer
from .steps import Settled, Work

log = structlog.get_logger(__name__)
STEP_RUNNERS = {
    Step.LOOKUP: steps.lookup,
    Step.CREATE: steps.create,
    Step.REFRESH: steps.refresh,
    Step.UPDATE: steps.update,
    Step.DELETE: steps.delete,
}


@dataclass(frozen=True)
class Outcome:
    """How a pass ended."""

    state: State
    reason: str | None = None
    from_configuration: bool = False
    retry_at_ms: int | None = None
    error: str | None = None


class OrderSync:
    """The per-order path: lease, passes, release."""

    def __init__(
        self,
        orders: OrderRepository,
        audit: AuditTrail,
        preparer: Preparer,
        *,
        clock: Clock,
        owner: str,
        policy: SyncPolicy,
    ) -> None:
        self._orders = orders
        self._audit = audit
        self._preparer = preparer
        self._clock = clock
        self._owner = owner
        self._policy = policy

    async def sync(
        self, order_id: str, lane: Lane = Lane.LIVE, actor: str = "worker", *, manual: bool = False
    ) -> bool:
        """Work on the order if no one else does; False when it is someone else's.

        ``manual``: a person asked (a manual pass, Generate): Zoho is written even with auto
        sync off.
        """
        # One holder per call, not per replica: two tasks of one process exclude each other too.
        holder = f"{self._owner}/{uuid.uuid4().hex[:12]}"
        record = await self._orders.change(order_id, lambda r: self._take_lease(r, holder, manual))
        if record is None:
            return False
        renewing = asyncio.create_task(self._renew(order_id, holder, record.fence))
        try:
            while self._has_work(record):
                record, retry_later = await self._pass(record, lane, actor)
                if retry_later:
                    break
        except LeaseLost:
            log.warning("lease lost while working", order_id=order_id)
        finally:
            renewing.cancel()
            await self._release(order_id, holder, record.fence)
        return True

    def _take_lease(
        self, current: OrderRecord | None, holder: str, manual: bool
    ) -> OrderRecord | None:
        now = self._clock.now_ms()
        if current is None:
            return None
        if current.lease_owner is not None and current.lease_until_ms > now:
            return None  # the holder re-reads and sees what was stored meanwhile
        return current.replace(
            lease_owner=holder,
            manual=current.manual or manual,
            lease_until_ms=now + self._policy.lease_ttl_ms,
            fence=current.fence + 1,
        )

    def _has_work(self, record: OrderRecord) -> bool:
        due = record.due_at_ms is not None and record.due_at_ms <= self._clock.now_ms()
        return record.applied_seq < record.work_seq or due or record.manual

    async def _pass(self, record: OrderRecord, lane: Lane, actor: str) -> tuple[OrderRecord, bool]:
        seq, fence = record.work_seq, record.fence
        record = await self._write(record, state=State.SYNCING.value)
        outcome = await self._outcome(record, lane, actor)
        record = await self._finish(record, seq, outcome)
        await self._audit.record(
            record.order_id,
            self._clock.now_ms(),
            "outcome",
            actor,
            state=outcome.state.value,
            reason=outcome.reason,
            error=outcome.error,
            fence=fence,
        )
        return record, outcome.retry_at_ms is not None

    async def _outcome(self, record: OrderRecord, lane: Lane, actor: str) -> Outcome:
        try:
            return await self._drive(record, lane, actor)
        except LeaseLost:
            raise
        except NotConnected as exc:
            return self._retry(record, State.PENDING, str(exc), None)
        except ConnectionBroken as exc:
            return self._retry(record, State.PENDING, f"Zoho connection broken: {exc}", None)
        except TransientZohoError as exc:
            return self._retry(record, State.FAILED, str(exc), exc.retry_at_ms)
        except PermanentZohoError as exc:
            return Outcome(State.NEEDS_ATTENTION, str(exc))
        except MappingProblem as exc:
            return Outcome(State.NEEDS_ATTENTION, exc.reason, exc.from_configuration)

    async def _drive(self, record: OrderRecord, lane: Lane, actor: str) -> Outcome:
        work, facts = await self._preparer.prepare(record, _holder(record), lane)
        while True:
            decision = decide(facts)
            log.debug("decided", order_id=record.order_id, step=decision.step.value)
            if decision.step is Step.SETTLE:
                assert decision.state is not None
                return Outcome(decision.state, decision.reason)
            try:
                record, facts = await self._step(decision.step, work, record, facts, actor)
            except Settled as done:
                return Outcome(done.state, done.reason)

    async def _step(
        self, step: Step, work: Work, record: OrderRecord, facts: Facts, actor: str
    ) -> tuple[OrderRecord, Facts]:
        """Run one step, with its decision and the Zoho call's outcome in the audit trail."""
        result = "error"
        try:
            record, facts = await STEP_RUNNERS[step](work, record, facts)
            result = "done"
        except Settled as done:
            result = done.state.value
            raise
        except Exception as exc:
            result = type(exc).__name__
            raise
        finally:
            await self._audit.record(
                record.order_id,
                self._clock.now_ms(),
                "step",
                actor,
                step=step.value,
                result=result,
                lane=work.lane.name,
            )
        return record, facts

    def _retry(self, record: OrderRecord, state: State, reason: str, at_ms: int | None) -> Outcome:
        backoff = min(self._policy.max_backoff_ms, 1000 * 2 ** min(record.attempts, 10))
        jittered = int(backoff * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not secrets
        when = at_ms if at_ms is not None else self._clock.now_ms() + jittered
        return Outcome(state, reason, retry_at_ms=when, error=reason)

    async def _finish(self, record: OrderRecord, seq: int, outcome: Outcome) -> OrderRecord:
        failed = outcome.retry_at_ms is not None
        return await self._write(
            record,
            state=outcome.state.value,
            reason=outcome.reason,
            reason_from_config=outcome.from_configuration,
            applied_seq=seq,
            due_at_ms=outcome.retry_at_ms,
            attempts=record.attempts + 1 if failed else 0,
            last_error=outcome.error,
            manual=record.manual and failed,
        )

    async def _write(self, record: OrderRecord, **changes: object) -> OrderRecord:
        changes["updated_at_ms"] = self._clock.now_ms()
        return await self._orders.change_fenced(
            record.order_id, _holder(record), record.fence, lambda r: r.replace(**changes)
        )

    async def _renew(self, order_id: str, holder: str, fence: int) -> None:
        ttl = self._policy.lease_ttl_ms
        while True:
            await self._clock.sleep(ttl / 3000)
            try:
                await self._orders.change_fenced(
                    order_id, holder, fence, _lease_until(self._clock.now_ms() + ttl)
                )
            except LeaseLost:
                return

    async def _release(self, order_id: str, holder: str, fence: int) -> None:
        with contextlib.suppress(LeaseLost):
            await self._orders.change_fenced(
                order_id,
                holder,
                fence,
                lambda r: r.replace(lease_owner=None, lease_until_ms=0),
            )


def _holder(record: OrderRecord) -> str:
    assert record.lease_owner is not None  # only called while holding the lease
    return record.lease_owner


def _lease_until(until_ms: int) -> Callable[[OrderRecord], OrderRecord]:
    return lambda record: record.replace(lease_until_ms=until_ms)
