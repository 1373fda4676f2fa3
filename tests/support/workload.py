"""A realistic, seeded workload of order events, and what every order should end as.

``build_workload(seed, orders)`` returns the messages to publish (routing key,
body, phase) and the expected final state per order. The same seed gives the
same bytes, so a failure can be replayed and a benchmark can drive the same
load. Phase 0 is a burst of new orders; phase 1 comes once phase 0 settled (the
invoices exist): updates of paid orders, deletes, cancellations, late payments,
and a few new orders; phase 2 is two orders in a quiet moment (where a create
that waited out a 429 meets an idle budget on its lookup). Within a phase
orders are interleaved, about a fifth of the events come in the wrong order (a
later revision first), a tenth are published twice, and two deliberately
malformed messages go to phase 0. Some old ``order.paid`` events are delivered
again in phase 1, after the revisions that replaced them.

Lifecycles (shares of ``orders``): paid once; pending then paid; pending now,
paid in phase 1; updated after the invoice exists (lines changed, once or
twice); deleted or cancelled after the invoice exists; paid and deleted at
once; pending and never paid; new in phase 1; new in phase 2; and, only in
mixes that ask for it, a new billing address after the invoice exists.

A ``Mix`` (the benchmarks' two) changes the shares, the customers and the
trouble in the delivery; the default is the end-to-end test's.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from .shop_catalog import draw_order, draw_update
from .shop_orders import Shape, Snapshot, deleted_payload, order_payload
from .shop_people import CustomerPool, NameStyle

BASE_TIME = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PHASES = 3
LIFECYCLES = {  # name: share of the orders
    "paid": 0.44,
    "pending_then_paid": 0.05,
    "paid_later": 0.05,
    "updated_after_paid": 0.13,
    "deleted_after_paid": 0.05,
    "cancelled_after_paid": 0.02,
    "deleted_at_once": 0.03,
    "pending_only": 0.03,
    "late": 0.17,
    "quiet": 0.03,
}
LATER = ("late", "quiet")  # lifecycles whose orders are new after phase 0, in this order
FinalState = Literal["synced", "deleted", "received"]
FINAL_STATE: dict[str, FinalState] = {
    "deleted_after_paid": "deleted",
    "cancelled_after_paid": "deleted",
    "deleted_at_once": "deleted",
    "pending_only": "received",
}
MALFORMED = (
    b'{"specversion": "1.0", "id": "trunc-1", "type": "order.paid", "data": {"id": 1',
    b"[" * 400_000,  # nested too deep for any JSON parser's recursion
)
EventType = Literal["order.paid", "order.updated", "order.deleted"]


@dataclass(frozen=True)
class Mix:
    """The shape of a workload: lifecycle shares, customers, and the trouble in the delivery."""

    lifecycles: Mapping[str, float] = field(default_factory=lambda: dict(LIFECYCLES))
    repeat_share: float = 0.45  # orders from a customer who bought before
    usd_share: float = 0.15  # new customers paying in USD
    names: NameStyle = "few"  # see CustomerPool
    namesake_share: float = 0.0
    reorder_share: float = 0.8  # orders whose last two events of a phase come swapped
    duplicate_share: float = 0.10  # events of a phase published twice
    redeliver_share: float = 0.6  # changed orders whose old order.paid comes again later
    malformed: bool = True  # two malformed messages in phase 0
    interleave: bool = True  # False: the orders of a phase one after another, as placed


@dataclass(frozen=True)
class Publication:
    """One message to publish; ``order_id`` None for a deliberately malformed one."""

    routing_key: str
    body: bytes
    phase: int
    order_id: str | None = None
    event_id: str | None = None
    duplicate: bool = False
    reordered: bool = False


@dataclass(frozen=True)
class ExpectedOrder:
    """What an order should end as once everything settled."""

    order_id: str
    lifecycle: str
    state: FinalState
    newest: Snapshot
    returning: bool  # the customer bought before

    @property
    def invoiced(self) -> bool:
        """It should have exactly one invoice."""
        return self.state == "synced"

    @property
    def reference(self) -> str:
        """The invoice's reference under the default template."""
        return f"ORD-{self.order_id}"

    @property
    def contact_key(self) -> tuple[str, str]:
        """The Zoho contact it belongs to: lower-cased email and currency."""
        return self.newest.customer.email.lower(), self.newest.currency


@dataclass(frozen=True)
class Workload:
    """Messages to publish, phase by phase, and the expected end of every order."""

    publications: tuple[Publication, ...]
    expected: dict[str, ExpectedOrder]

    def phase(self, number: int) -> list[Publication]:
        """The messages of one phase, in publishing order."""
        return [p for p in self.publications if p.phase == number]

    @property
    def phases(self) -> int:
        """How many phases there are."""
        return 1 + max(p.phase for p in self.publications)

    @property
    def malformed(self) -> list[bytes]:
        """The bodies that must end in the dead-letter queue, and nothing else may."""
        return [p.body for p in self.publications if p.order_id is None]

    def summary(self) -> dict[str, Any]:
        """Counts that describe the load (for the test's and the benchmark's report)."""
        valid = [p for p in self.publications if p.order_id is not None]
        lifecycles: dict[str, int] = {}
        for order in self.expected.values():
            lifecycles[order.lifecycle] = lifecycles.get(order.lifecycle, 0) + 1
        return {
            "orders": len(self.expected),
            "messages": len(self.publications),
            "duplicates": sum(p.duplicate for p in valid),
            "reordered": sum(p.reordered for p in valid),
            "returning_customer_orders": sum(o.returning for o in self.expected.values()),
            "usd_orders": sum(o.newest.currency == "USD" for o in self.expected.values()),
            "contacts": len({o.contact_key for o in self.expected.values() if o.invoiced}),
            "lifecycles": lifecycles,
        }


def build_workload(seed: int = 8, orders: int = 60, mix: Mix | None = None) -> Workload:
    """The messages and the expected end state of ``orders`` orders, from ``seed``."""
    mix = mix or Mix()
    rng = random.Random(seed)  # noqa: S311 - a reproducible workload, not a secret
    pool = CustomerPool(
        rng,
        repeat_share=mix.repeat_share,
        usd_share=mix.usd_share,
        names=mix.names,
        namesake_share=mix.namesake_share,
    )
    plans = [
        _plan(rng, pool, index, lifecycle, mix.redeliver_share)
        for index, lifecycle in _lifecycles(orders, mix.lifecycles)
    ]
    publications: list[Publication] = []
    for phase in range(PHASES):
        sequences = [plan.events[phase] for plan in plans if plan.events[phase]]
        publications += _phase(rng, phase, sequences, mix)
    expected = {plan.first.order_id: plan.expected() for plan in plans}
    return Workload(tuple(publications), expected)


def _lifecycles(orders: int, shares: Mapping[str, float]) -> list[tuple[int, str]]:
    counts = {name: round(share * orders) for name, share in shares.items()}
    counts["paid"] += orders - sum(counts.values())
    names = [name for name, count in counts.items() for _ in range(count)]
    later = [n for lifecycle in LATER for n in names if n == lifecycle]
    return list(enumerate([n for n in names if n not in LATER] + later))


@dataclass
class _Plan:
    lifecycle: str
    returning: bool
    first: Snapshot
    with_revision: bool
    events: tuple[list[Publication], ...]
    redeliver_share: float
    newest: Snapshot | None = None

    def expected(self) -> ExpectedOrder:
        state = FINAL_STATE.get(self.lifecycle, "synced")
        newest = self.newest or self.first
        return ExpectedOrder(self.first.order_id, self.lifecycle, state, newest, self.returning)


def _plan(
    rng: random.Random, pool: CustomerPool, index: int, lifecycle: str, redeliver_share: float
) -> _Plan:
    shape: Shape = "woocommerce" if rng.random() < 0.6 else "shopify"
    buyer = pool.next_buyer()
    first = draw_order(rng, index, shape, buyer, placed_at=BASE_TIME + timedelta(minutes=5 * index))
    with_revision = shape == "shopify" or rng.random() < 0.5  # else ordered by event time
    events: tuple[list[Publication], ...] = tuple([] for _ in range(PHASES))
    plan = _Plan(lifecycle, buyer.returning, first, with_revision, events, redeliver_share)
    _LIFECYCLE_STEPS[lifecycle](rng, plan)
    return plan


def _emit(rng: random.Random, plan: _Plan, phase: int, kind: EventType, snapshot: Snapshot) -> None:
    """Add one event of ``snapshot`` to ``phase``; the newest snapshot is what it carries."""
    if kind == "order.deleted":
        data = deleted_payload(snapshot, with_revision=plan.with_revision)
    else:
        data = order_payload(snapshot, with_revision=plan.with_revision)
        plan.newest = snapshot
    event_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    moment = snapshot.placed_at + timedelta(minutes=snapshot.revision)
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": f"https://{snapshot.shape}.shop.example",
        "type": kind,
        "time": moment.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": data,
    }
    body = json.dumps(envelope, ensure_ascii=False).encode()
    plan.events[phase].append(Publication(kind, body, phase, snapshot.order_id, event_id))


def _paid(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 0, "order.paid", plan.first)


def _late(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 1, "order.paid", plan.first)


def _quiet(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 2, "order.paid", plan.first)


def _pending_then_paid(rng: random.Random, plan: _Plan, paid_phase: int = 0) -> None:
    pending = replace(plan.first, status="pending", paid=False)
    _emit(rng, plan, 0, "order.updated", pending)
    _emit(rng, plan, paid_phase, "order.paid", pending.revised(status="paid", paid=True))


def _paid_later(rng: random.Random, plan: _Plan) -> None:
    _pending_then_paid(rng, plan, paid_phase=1)


def _pending_only(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 0, "order.updated", replace(plan.first, status="pending", paid=False))


def _updated_after_paid(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 0, "order.paid", plan.first)
    changed = draw_update(rng, plan.first)
    _emit(rng, plan, 1, "order.updated", changed)
    if rng.random() < 0.5:
        _emit(rng, plan, 1, "order.updated", draw_update(rng, changed))
    _redeliver_old(rng, plan)


def _billing_after_paid(rng: random.Random, plan: _Plan) -> None:
    """The customer gives a new billing address after the invoice exists: the contact changes."""
    _emit(rng, plan, 0, "order.paid", plan.first)
    customer = plan.first.customer
    moved = replace(customer.address, line1=f"Via Nuova {rng.randint(1, 99)}")
    _emit(
        rng, plan, 1, "order.updated", plan.first.revised(customer=replace(customer, address=moved))
    )
    _redeliver_old(rng, plan)


def _deleted_after_paid(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 0, "order.paid", plan.first)
    _emit(rng, plan, 1, "order.deleted", plan.first.revised())
    _redeliver_old(rng, plan)


def _cancelled_after_paid(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 0, "order.paid", plan.first)
    status = "cancelled" if plan.first.shape == "woocommerce" else "refunded"
    _emit(rng, plan, 1, "order.updated", plan.first.revised(status=status))
    _redeliver_old(rng, plan)


def _redeliver_old(rng: random.Random, plan: _Plan) -> None:
    """Sometimes the shop retries the old ``order.paid`` webhook after the newer events."""
    if rng.random() < plan.redeliver_share:
        old = replace(plan.events[0][0], phase=1, reordered=True)
        plan.events[1].append(old)


def _deleted_at_once(rng: random.Random, plan: _Plan) -> None:
    _emit(rng, plan, 0, "order.paid", plan.first)
    _emit(rng, plan, 0, "order.deleted", plan.first.revised())


_LIFECYCLE_STEPS = {
    "paid": _paid,
    "late": _late,
    "quiet": _quiet,
    "pending_then_paid": _pending_then_paid,
    "paid_later": _paid_later,
    "pending_only": _pending_only,
    "updated_after_paid": _updated_after_paid,
    "billing_after_paid": _billing_after_paid,
    "deleted_after_paid": _deleted_after_paid,
    "cancelled_after_paid": _cancelled_after_paid,
    "deleted_at_once": _deleted_at_once,
}


def _phase(
    rng: random.Random, phase: int, sequences: list[list[Publication]], mix: Mix
) -> list[Publication]:
    """Interleave the orders' events; swap some later revisions first; publish some twice."""
    for events in sequences:
        if len(events) >= 2 and rng.random() < mix.reorder_share:
            events[-2:] = [replace(e, reordered=True) for e in reversed(events[-2:])]
    merged = _interleaved(rng, sequences) if mix.interleave else [e for s in sequences for e in s]
    for original in rng.sample(list(merged), k=round(len(merged) * mix.duplicate_share)):
        at = rng.randrange(merged.index(original) + 1, len(merged) + 1)
        merged.insert(at, replace(original, duplicate=True))
    if phase == 0 and mix.malformed:
        for body in MALFORMED:
            merged.insert(rng.randrange(len(merged) + 1), Publication("order.paid", body, 0))
    return merged


def _interleaved(rng: random.Random, sequences: list[list[Publication]]) -> list[Publication]:
    """The orders' events mixed at random, each order's own in their order."""
    queues = [deque(events) for events in sequences]
    merged: list[Publication] = []
    while queues:
        queue = rng.choice(queues)
        merged.append(queue.popleft())
        if not queue:
            queues.remove(queue)
    return merged
