"""The budget's rules without MongoDB: any interleaving of replicas keeps every limit."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.budget_checks import assert_within_limits, busiest_window
from worker.domain.budget_ledger import (
    Ask,
    BudgetLimits,
    BudgetState,
    Granted,
    current,
    grant,
    release,
)
from worker.domain.lanes import Lane

LIMITS = BudgetLimits(
    requests_per_window=5, window_ms=1000, daily_limit=8, day_ms=4_000, max_concurrency=3,
    slot_ttl_ms=1500,
)  # fmt: skip
START = 1_800_000_000_000

steps = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 40), st.integers(0, 700)),  # time passing before the step
        st.integers(-300, 300),  # the asking replica's clock skew
        st.sampled_from(Lane),
        st.booleans(),  # release the oldest slot held, instead of asking
    ),
    max_size=200,
)


@dataclass
class Run:
    """A history: the state, grants made, slots still held."""

    state: BudgetState = field(default_factory=BudgetState)
    stamps: list[int] = field(default_factory=list)
    held: list[str] = field(default_factory=list)

    def ask(self, now: int, lane: Lane) -> None:
        """One replica asks for a slot."""
        holder = f"h{len(self.stamps)}-{now}"
        changed, outcome = grant(self.state, Ask(holder, "r", lane, now, LIMITS))
        if isinstance(outcome, Granted):
            assert changed is not None
            self.state = changed
            self.stamps.append(outcome.at_ms)
            self.held.append(holder)

    def release_oldest(self) -> None:
        """The longest-held slot is given back."""
        if self.held:
            changed = release(self.state, {self.held.pop(0)}, probe_succeeded=False)
            self.state = changed or self.state


@settings(max_examples=300)
@given(steps)
def test_no_interleaving_breaks_a_limit(history: list[tuple[int, int, Lane, bool]]) -> None:
    run, now = Run(), START
    for gap, skew, lane, releasing in history:
        now += gap
        if releasing:
            run.release_oldest()
        else:
            run.ask(now + skew, lane)
        latest = max([now, *run.stamps])
        assert len(current(run.state, latest, LIMITS).holders) <= LIMITS.max_concurrency
    assert_within_limits(run.stamps, LIMITS)


@settings(max_examples=200)
@given(steps)
def test_a_window_refusal_is_lifted_at_its_retry_time(
    history: list[tuple[int, int, Lane, bool]],
) -> None:
    run, now = Run(), START
    for gap, _, lane, _ in history:
        now += gap
        _, outcome = grant(run.state, Ask("x", "r", lane, now, LIMITS))
        if not isinstance(outcome, Granted) and outcome.reason == "window":
            _, again = grant(run.state, Ask("x", "r", lane, outcome.retry_at_ms, LIMITS))
            assert isinstance(again, Granted) or again.reason != "window"
        run.ask(now, Lane.LIVE)
        run.release_oldest()


def test_a_replica_whose_clock_lags_cannot_slip_in_behind_pruned_stamps() -> None:
    run = Run()
    for _ in range(5):
        run.ask(START, Lane.LIVE)
        run.release_oldest()
    run.ask(START + 1000, Lane.LIVE)  # a replica ahead: the first five leave its window
    run.release_oldest()
    run.ask(START + 400, Lane.LIVE)  # a replica behind: its window still holds all five
    assert run.stamps == [START] * 5 + [START + 1000] * 2
    assert_within_limits(run.stamps, LIMITS)


def test_the_daily_cap_holds_across_windows() -> None:
    run = Run()
    for second in range(4):
        for _ in range(3):
            run.ask(START + second * 1000, Lane.LIVE)
            run.release_oldest()
    assert len(run.stamps) == LIMITS.daily_limit
    assert_within_limits(run.stamps, LIMITS)


def test_busiest_window_counts_half_open_windows() -> None:
    assert busiest_window([0, 999, 1000], 1000) == 2
    assert busiest_window([0, 1, 2], 1000) == 3
