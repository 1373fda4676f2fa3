"""The console's settings applied to a running replica, without a restart (SPEC §9).

Auto sync, the reference template, the labels and the tax map apply live: the
replica that stores a change (``PATCH /api/settings``) applies it at once, every
other replica when it next looks (every ``SETTINGS_REFRESH`` seconds, one read
of the small settings document; change streams are not assumed). Each resolves
stored against its environment as a start does (``resolve``), but records
nothing: only a start counts as having seen the environment. The data center
and the organization choose the Zoho client and the per-organization caches:
when either differs from what the replica was built with, ``on_restart`` is
told their names and ``zbsync run`` reloads the replica (``worker.app``).

The per-order path reads the ``LivePolicy`` once per pass, so switching auto
sync off stops automatic writes from the next pass on (a create already past
its intent finishes: exactly-once needs that). Switching it on queues the
orders that waited as ``pending`` in the backfill lane (``note_auto_sync``:
every replica that notices asks, the first queues them) and checks the invoice
index if this replica never did (it started with auto sync off). A new tax map
queues the orders a configuration problem (an unmatched tax) holds in
``needs_attention``, as a changed tax setup in Zoho does. Invoices already made
keep their template and labels until their order changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

import structlog

from ..clock import Clock
from ..domain.console_settings import FIELDS, LIVE_FIELDS, RESTART_FIELDS, resolve
from ..domain.lanes import Lane
from ..reconcile.backfill import note_auto_sync
from ..reconcile.ports import ReconcilerState
from ..sync.invoice_index import InvoiceIndex
from ..sync.policy import LivePolicy, SyncPolicy
from ..sync.ports import OrderStore, SettingsStore
from .console_settings import AppliedSettings, ConsoleEnvironment
from .replica import Worker

log = structlog.get_logger(__name__)
# The names of the live settings that changed, and every setting in force now.
OnChange = Callable[[tuple[str, ...], Mapping[str, Any]], Awaitable[None]]
# The names of the settings that changed and need the replica built again.
OnRestart = Callable[[tuple[str, ...]], None]


def with_console_values(policy: SyncPolicy, values: Mapping[str, Any]) -> SyncPolicy:
    """``policy`` with the live console settings in ``values`` (console names)."""
    mapping = replace(
        policy.mapping,
        reference_template=values["reference_template"],
        discount_label=values["discount_label"],
        shipping_label=values["shipping_label"],
        tax_map=dict(values["tax_map"]),
    )
    return replace(policy, auto_sync=bool(values["auto_sync"]), mapping=mapping)


class LiveSettings:
    """This replica's console settings in force, and the refresh that keeps them current."""

    def __init__(
        self,
        store: SettingsStore,
        environment: ConsoleEnvironment,
        policy: LivePolicy,
        started: Mapping[str, Any],
        *,
        on_change: OnChange | None = None,
        on_restart: OnRestart | None = None,
    ) -> None:
        self._store, self._environment, self._policy = store, environment, policy
        self._running = dict(started)
        self._on_change, self._on_restart = on_change, on_restart
        self._applying = asyncio.Lock()  # a PATCH and the periodic look: one at a time

    def running(self) -> dict[str, Any]:
        """The value of each console setting this replica runs with (the data center and
        the organization as it was built with)."""
        return dict(self._running)

    @property
    def auto_sync(self) -> bool:
        """Whether automatic writes to Zoho are on now."""
        return bool(self._running["auto_sync"])

    async def refresh(self) -> tuple[str, ...]:
        """Read the stored settings and apply the live ones that changed; their names. When
        the data center or the organization changed, tell ``on_restart`` (every look does)."""
        async with self._applying:
            stored = await self._store.load()
            values = resolve(stored, self._environment.values, self._environment.explicit).values
            rebuild = tuple(
                name
                for name in FIELDS
                if name in RESTART_FIELDS and values[name] != self._running[name]
            )
            if rebuild and self._on_restart is not None:
                self._on_restart(rebuild)
            changed = tuple(name for name in LIVE_FIELDS if values[name] != self._running[name])
            if not changed:
                return ()
            before = {name: self._running[name] for name in changed}
            self._running.update({name: values[name] for name in changed})
            self._policy.replace(with_console_values(self._policy.current, self._running))
            log.info("console settings applied", settings=list(changed), auto_sync=self.auto_sync)
            if self._on_change is not None:
                try:
                    await self._on_change(changed, self.running())
                except Exception:
                    # The policy changed already; the next look sees them changed and calls again.
                    self._running.update(before)
                    log.exception("acting on changed console settings failed")
            return changed

    async def run_forever(self, interval_s: float, clock: Clock) -> None:
        """Look every ``interval_s`` seconds until cancelled."""
        while True:
            await clock.sleep(interval_s)
            try:
                await self.refresh()
            except Exception:  # MongoDB away: the settings in force stay, the next look retries
                log.exception("reading the console settings failed")


class Reactions:
    """What a replica does beyond the policy when the console changed a setting
    (``on_change``); every step may run again."""

    def __init__(
        self,
        reconciler: ReconcilerState,
        orders: OrderStore,
        index: InvoiceIndex | None,
        clock: Clock,
        *,
        organization_id: str | None,
    ) -> None:
        self._reconciler, self._orders, self._index = reconciler, orders, index
        self._clock, self._org = clock, organization_id
        self._checks: set[asyncio.Task[None]] = set()

    async def __call__(self, changed: tuple[str, ...], running: Mapping[str, Any]) -> None:
        """Act on auto sync switched, or on a new tax map."""
        if "auto_sync" in changed:
            await self.auto_sync_switched(bool(running["auto_sync"]))
        if "tax_map" in changed:
            await self.tax_map_changed()

    async def auto_sync_switched(self, on: bool) -> None:
        """Remember the position and, switched on, queue the backlog and check the index."""
        if self._org:
            await note_auto_sync(
                self._reconciler, self._orders, self._clock, organization_id=self._org, auto_sync=on
            )
        index = self._index
        if on and index is not None and not index.checked:
            # Until it is done, automatic creates look up in Zoho (or wait for it).
            task = asyncio.create_task(index.check_until_done(Lane.LIVE), name="index-check")
            self._checks.add(task)
            task.add_done_callback(self._checks.discard)

    async def tax_map_changed(self) -> None:
        """Queue the orders an unmatched tax (or another setup problem) holds."""
        blocked = await self._orders.ids_blocked_by_configuration()
        for order_id in blocked:
            await self._orders.make_due(order_id, self._clock.now_ms(), Lane.RECONCILER.name)
        if blocked:
            log.info("tax map changed; orders held by the setup queued", orders=len(blocked))

    async def stop(self) -> None:
        """Cancel an index check still running."""
        for task in list(self._checks):
            task.cancel()
        await asyncio.gather(*self._checks, return_exceptions=True)


def live_settings(
    applied: AppliedSettings,
    store: SettingsStore,
    worker: Worker,
    clock: Clock,
    *,
    on_restart: OnRestart | None = None,
) -> tuple[LiveSettings, Reactions]:
    """The live settings of ``worker`` (built from ``applied``), and its reactions;
    ``on_restart``: see ``LiveSettings``."""
    assert worker.policy is not None  # build_worker sets it
    org = applied.settings.zoho_organization_id
    stores = worker.stores
    reactions = Reactions(
        stores.reconciler, stores.orders, worker.index, clock, organization_id=org
    )
    live = LiveSettings(
        store,
        applied.environment,
        worker.policy,
        applied.resolution.values,
        on_change=reactions,
        on_restart=on_restart,
    )
    return live, reactions
