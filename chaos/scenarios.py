"""The scenarios: what breaks, over how many replicas and orders, and within what bounds.

Sandbox time runs at real speed here: a Zoho minute is scaled to 4 s (as in
the realistic end-to-end test) and the workers' budget counts 40 requests per
4-second window across the replicas. Negative controls run a broken worker
(a test-only switch) and must make the checker fail with what they expect.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from worker.negative_controls import ACK_BEFORE_STORE_ENV, SKIP_LOOKUP_ENV

from . import disruptions
from .context import Chaos

Disruption = Callable[[Chaos], Coroutine[None, None, None]]
Faults = Mapping[int, list[tuple[str, str]]]

LOST_ANSWERS: Faults = {
    0: [
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "applied_then_reset"),
        ("invoices.create", "applied_then_500"),
        ("invoices.create", "applied_then_reset"),
        ("contacts.create", "applied_then_500"),
    ],
    1: [
        ("invoices.create", "applied_then_500"),
        ("invoices.update", "applied_then_reset"),
    ],
    2: [("invoices.create", "applied_then_reset")],
}
STORMS: Faults = {
    0: [
        ("invoices.create", "rate_limit_storm"),
        ("contacts.list", "rate_limit_storm"),
        ("invoices.create", "rate_limit_storm"),
        ("invoices.list", "rate_limit_storm"),
    ],
    1: [("invoices.create", "rate_limit_storm"), ("invoices.update", "rate_limit_storm")],
    2: [("invoices.create", "rate_limit_storm")],
}
EVERYTHING: Faults = {
    phase: [*LOST_ANSWERS.get(phase, []), *STORMS.get(phase, [])] for phase in range(3)
}


@dataclass(frozen=True)
class Scenario:
    """One way of breaking things, and its bounds."""

    key: str
    title: str
    orders: int = 30
    replicas: int = 3
    sandbox: Mapping[str, Any] = field(default_factory=dict)  # SandboxConfig changes
    env: Mapping[str, str] = field(default_factory=dict)  # the replicas' extra environment
    faults: Faults = field(default_factory=dict)
    disruption: Disruption | None = None
    own_database: bool = False
    own_broker: bool = False
    prepares: bool = False  # the disruption sets ``Chaos.ready`` before publishing starts
    publish_gap_s: float = 0.0  # a pause after each publish (a broker stop meets the publisher)
    drop_share: float = 0.0  # paid-once orders whose events the publisher drops (order feed)
    settle_within: float = 90.0  # seconds per phase; a bound for a run gone wrong
    timeout: float = 300.0  # seconds for the whole scenario, set-up and clean-up included
    # A negative control: the checker must fail with this (duplicates or lost orders).
    expect: Literal["duplicate", "lost"] | None = None


SCENARIOS = {
    s.key: s
    for s in (
        Scenario("a", "baseline: duplicated and reordered events, malformed messages"),
        Scenario(
            "b",
            "creates applied then 500 / reset; list lag 2 s below LIST_LAG_WAIT 2.5 s",
            sandbox={"list_lag": 2.0},
            env={"ZBSYNC_LIST_LAG_WAIT": "2.5"},
            faults=LOST_ANSWERS,
        ),
        Scenario(
            "c",
            "replicas SIGKILLed at random and at each create step; replacements started",
            replicas=2,
            disruption=disruptions.kills_and_crash_steps,
            prepares=True,
        ),
        Scenario(
            "d",
            "429 storms; access tokens living 15 s across 3 replicas",
            sandbox={"access_token_ttl": 15},
            faults=STORMS,
        ),
        Scenario(
            "g",
            "access tokens expiring every minute across 3 replicas; events trickle for 3 minutes",
            sandbox={"access_token_ttl": 60},
            publish_gap_s=3.0,
            timeout=420.0,
        ),
        Scenario(
            "h",
            "all at once: lost answers, list lag, 429 storms, 15 s tokens, random SIGKILLs, "
            "a quarter of the paid-once orders dropped",
            sandbox={"list_lag": 2.0, "access_token_ttl": 15},
            env={"ZBSYNC_LIST_LAG_WAIT": "2.5", "ZBSYNC_RECONCILE_INTERVAL": "3"},
            faults=EVERYTHING,
            disruption=disruptions.random_kills,
            drop_share=0.25,
        ),
        Scenario(
            "e-broker",
            "RabbitMQ (a node of the suite's own) stopped and started while consuming",
            replicas=2,
            own_broker=True,
            publish_gap_s=0.1,
            disruption=disruptions.broker_restart,
        ),
        Scenario(
            "f",
            "a quarter of the paid-once orders dropped at the publisher; the order feed has them",
            replicas=2,
            env={"ZBSYNC_RECONCILE_INTERVAL": "3"},
            drop_share=0.25,
        ),
        Scenario(
            "e-db",
            "MongoDB killed while events arrive; every replica SIGKILLed while it is down",
            replicas=2,
            own_database=True,
            disruption=disruptions.database_restart,
        ),
        Scenario(
            "e-both",
            "RabbitMQ stopped and started while MongoDB is down; every replica SIGKILLed",
            replicas=2,
            own_broker=True,
            own_database=True,
            publish_gap_s=0.1,
            disruption=disruptions.broker_and_database_restart,
        ),
    )
}

NEGATIVE_CONTROLS = {
    s.key: s
    for s in (
        Scenario(
            "nc-skip-lookup",
            f"{SKIP_LOOKUP_ENV}=1 with creates applied then 500 / reset",
            orders=12,
            replicas=2,
            env={SKIP_LOOKUP_ENV: "1"},
            faults=LOST_ANSWERS,
            expect="duplicate",
        ),
        Scenario(
            "nc-ack-before-store",
            f"{ACK_BEFORE_STORE_ENV}=1 with MongoDB killed and every replica SIGKILLed",
            orders=12,
            replicas=2,
            env={ACK_BEFORE_STORE_ENV: "1"},
            own_database=True,
            disruption=disruptions.database_restart,
            settle_within=30.0,
            expect="lost",
        ),
    )
}
