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

import random
import uuid
from dataclasses import dataclass

import structlog

from ..clock import Clock
from ..domain.decisions import Facts, State, Step, decide
from ..domain.lanes import Lane
from ..domain.problems import MappingProblem
from ..domain.scopes import refused_reason
from ..metrics import EVENT_TO_INVOICE_SECONDS
from ..zoho.errors import (
    ConnectionBroken,
    PermanentZohoError,
    TransientZohoError,
    ZohoNotAuthorised,
    ZohoValidationError,
)
from . import steps
from .errors import LeaseLost
from .order_lease import OrderLease, take_order_lease
from .policy import SyncPolicy
from .ports import AuditLog, OrderStore
from .prepare import NotConnected, Preparer
from .records import OrderRecord
from .steps import Settle, StepResult, Work

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
    from_configuration: bool = False  # the setup (taxes, currencies, tax map, connection) holds it
    retry_at_ms: int | None = None
    error: str | None = None
    wrote_invoice: bool = False  # a create or update reached Zoho in this pass


class OrderSync:
    """The per-order path: lease, passes, release."""

    def __init__(
        self,
        orders: OrderStore,
        audit: AuditLog,
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
        with structlog.contextvars.bound_contextvars(order_id=order_id, lane=lane.name):
            return await self._sync(order_id, lane, actor, manual=manual)

    async def _sync(self, order_id: str, lane: Lane, actor: str, *, manual: bool) -> bool:
        # One holder per call, not per replica: two tasks of one process exclude each other too.
        holder = f"{self._owner}/{uuid.uuid4().hex[:12]}"
        taken = await take_order_lease(
            self._orders,
            self._clock,
            order_id,
            holder,
            manual=manual,
            ttl_ms=self._policy.lease_ttl_ms,
            request_timeout_ms=self._policy.request_timeout_ms,
        )
        if taken is None:
            return False
        lease, record = taken
        async with lease.renewed():
            try:
                while self._has_work(record):
                    record, retry_later = await self._pass(record, lease, lane, actor)
                    if retry_later:
                        break
            except LeaseLost as lost:
                log.warning("lease lost while working", why=str(lost))
        return True

    def _observe_latency(self, started: OrderRecord, outcome: Outcome, lane: Lane) -> None:
        """Event-to-invoice: from storing the event the pass started with to its invoice write."""
        if outcome.wrote_invoice and outcome.state is State.SYNCED and started.stored_at_ms:
            seconds = max(0, self._clock.now_ms() - started.stored_at_ms) / 1000
            EVENT_TO_INVOICE_SECONDS.labels(lane.name).observe(seconds)

    def _has_work(self, record: OrderRecord) -> bool:
        due = record.due_at_ms is not None and record.due_at_ms <= self._clock.now_ms()
        return record.applied_seq < record.work_seq or due or record.manual

    async def _pass(
        self, record: OrderRecord, lease: OrderLease, lane: Lane, actor: str
    ) -> tuple[OrderRecord, bool]:
        seq = record.work_seq
        record = await lease.write(state=State.SYNCING.value)
        outcome = await self._outcome(record, lease, lane, actor)
        finished = await lease.change(lambda current: _finished(current, seq, outcome))
        self._observe_latency(record, outcome, lane)
        record = finished
        await self._audit.record(
            record.order_id,
            self._clock.now_ms(),
            "outcome",
            actor,
            state=outcome.state.value,
            reason=outcome.reason,
            error=outcome.error,
            fence=lease.fence,
        )
        return record, outcome.retry_at_ms is not None

    async def _outcome(
        self, record: OrderRecord, lease: OrderLease, lane: Lane, actor: str
    ) -> Outcome:
        try:
            return await self._drive(record, lease, lane, actor)
        except LeaseLost:
            raise
        except Exception as exc:  # every failure becomes an outcome; see _failure
            return self._failure(record, exc)

    def _failure(self, record: OrderRecord, exc: Exception) -> Outcome:
        """The one place a failed pass's error becomes the order's state."""
        if isinstance(exc, NotConnected):
            return self._retry(record, State.PENDING, str(exc), None)
        if isinstance(exc, ConnectionBroken):
            return self._retry(record, State.PENDING, f"Zoho connection broken: {exc}", None)
        if isinstance(exc, TransientZohoError):
            return self._retry(record, State.FAILED, str(exc), exc.retry_at_ms)
        if isinstance(exc, PermanentZohoError):
            # A refused scope or organization waits for the admin to connect again, which the
            # reconciler notices like a change of the taxes (reconcile.passes).
            reconnect = isinstance(exc, ZohoNotAuthorised)
            return Outcome(State.NEEDS_ATTENTION, _attention_reason(exc), reconnect)
        if isinstance(exc, MappingProblem):
            return Outcome(State.NEEDS_ATTENTION, exc.reason, exc.from_configuration)
        # A bug or an unforeseen answer: back off like a transient failure, so one bad order
        # is retried ever more slowly instead of on every poll.
        log.error("unexpected error in a pass", exc_info=exc)
        return self._retry(record, State.FAILED, f"unexpected error: {exc!r}"[:500], None)

    async def _drive(
        self, record: OrderRecord, lease: OrderLease, lane: Lane, actor: str
    ) -> Outcome:
        work, facts = await self._preparer.prepare(record, lease, lane)
        healed = wrote = False
        while True:
            decision = decide(facts)
            log.info("decided", step=decision.step.value)
            if decision.step is Step.SETTLE:
                assert decision.state is not None
                return Outcome(decision.state, decision.reason, wrote_invoice=wrote)
            try:
                result = await self._step(decision.step, work, record, facts, actor)
            except ZohoValidationError:
                # A contact deleted or merged in Zoho makes every write for its customer fail:
                # forget the link and prepare again (once), instead of asking a person.
                if healed or not await self._preparer.heal_contact(record, lane):
                    raise
                healed = True
                record = await self._orders.load(record.order_id) or record
                work, facts = await self._preparer.prepare(record, lease, lane)
                continue
            wrote = wrote or decision.step in (Step.CREATE, Step.UPDATE)
            if isinstance(result, Settle):
                return Outcome(result.state, result.reason, wrote_invoice=wrote)
            record, facts = result.record, result.facts

    async def _step(
        self, step: Step, work: Work, record: OrderRecord, facts: Facts, actor: str
    ) -> StepResult:
        """Run one step, with its decision and the Zoho call's outcome in the audit trail."""
        result = "error"
        try:
            outcome = await STEP_RUNNERS[step](work, record, facts)
            result = outcome.state.value if isinstance(outcome, Settle) else "done"
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
        return outcome

    def _retry(self, record: OrderRecord, state: State, reason: str, at_ms: int | None) -> Outcome:
        backoff = min(self._policy.max_backoff_ms, 1000 * 2 ** min(record.attempts, 10))
        jittered = int(backoff * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not secrets
        when = at_ms if at_ms is not None else self._clock.now_ms() + jittered
        return Outcome(state, reason, retry_at_ms=when, error=reason)


def _attention_reason(exc: PermanentZohoError) -> str:
    """What the admin reads on the order; a refusal says which scope to grant on reconnect."""
    if isinstance(exc, ZohoNotAuthorised):
        return refused_reason(str(exc), exc.scope)
    return str(exc)


def _finished(current: OrderRecord, seq: int, outcome: Outcome) -> OrderRecord:
    """The order after a pass that covered ``work_seq == seq``.

    Work stored meanwhile (an event taken in during the pass) keeps the order due: a
    crash before the next pass must not leave it where neither loop nor reconciler looks.
    """
    failed = outcome.retry_at_ms is not None
    due_at_ms = outcome.retry_at_ms
    if current.work_seq > seq:
        newer = current.due_at_ms if current.due_at_ms is not None else current.updated_at_ms
        due_at_ms = newer if due_at_ms is None else min(newer, due_at_ms)
    return current.replace(
        state=outcome.state.value,
        reason=outcome.reason,
        reason_from_config=outcome.from_configuration,
        applied_seq=seq,
        due_at_ms=due_at_ms,
        attempts=current.attempts + 1 if failed else 0,
        last_error=outcome.error,
        # A manual request stored during the pass is carried out by the next one.
        manual=current.manual and (failed or current.work_seq > seq),
    )
