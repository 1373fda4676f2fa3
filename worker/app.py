"""``zbsync run``: runs what ``bootstrap.build_worker`` wires, until SIGTERM.

Start-up never waits for Zoho: with no connection or organization yet, orders
are stored and wait as ``pending``. On SIGTERM the worker stops consuming,
lets in-flight Zoho work finish within ``SHUTDOWN_GRACE`` (a create cut off
leaves its intent, so the next holder looks before creating), releases its
leases and exits 0. The admin API (``worker.api``) is served on
``HTTP_HOST:HTTP_PORT`` from start to stop. Console settings changed meanwhile
apply live (``bootstrap.live_settings``). The data center and the organization
choose the Zoho client, so a change to either reloads the replica in process:
it stops as on SIGTERM, then is built again with the new settings (the API is
down in between and comes back on the same port; a SIGTERM meanwhile stops it).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
import structlog

from . import negative_controls
from .api import serve
from .bootstrap import (
    Worker,
    build_admin_api,
    build_worker,
    connect_from_environment,
    console_settings,
    inspection,
    replica_name,
)
from .bootstrap.connection import ConnectionControl
from .bootstrap.live_settings import live_settings
from .clock import SystemClock
from .config import Settings, require_for_run
from .domain.budget_ledger import BudgetLimits
from .domain.preflight import Problem
from .reconcile.backfill import note_auto_sync, queue_pending
from .reconcile.passes import PassSummary
from .store.mongo import Database, open_database
from .store.settings import SettingsRepository
from .sync import crash
from .sync.manual import ManualResult

log = structlog.get_logger(__name__)
ManualAction = Literal["generate", "delete"]
CLI_ACTOR = "cli"
RELOADING = "reloading: organization or data center changed"


async def run_worker(
    settings: Settings,
    *,
    budget: BudgetLimits | None = None,
    started: Callable[[str], None] | None = None,
) -> int:
    """Run until SIGTERM or SIGINT, reloading the replica when the console's data center or
    organization changes; 0 on a clean stop (``budget``: see ``build_zoho``; ``started`` is
    told the console's URL once the first build serves it)."""
    require_for_run(settings)
    crash.requested()  # a misspelt crash step fails here, not silently
    negative_controls.validate()  # so does a test-only switch set to anything but 1
    mongo, db = open_database(str(settings.mongodb_uri))
    process = _Process(settings, db, _stop_signal(), budget, settings.http_port, started)
    try:
        reload: tuple[str, ...] = ()
        while not process.stop.is_set():
            reload = await _run_once(process, reloaded=reload)
            if not reload:
                break
    finally:
        await mongo.close()
    log.info("stopped")
    return 0


@dataclass
class _Process:
    """What one ``zbsync run`` keeps across reloads of its replica."""

    settings: Settings  # as the environment gave them: each build applies the console's
    db: Database
    stop: asyncio.Event  # SIGTERM or SIGINT
    budget: BudgetLimits | None
    http_port: int  # once bound, kept: a reload serves the API on the same port
    started: Callable[[str], None] | None = None  # told the URL at the first start only


class _Reload:
    """``LiveSettings.on_restart``: the first settings that asked for the replica built again."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.settings: tuple[str, ...] = ()

    def __call__(self, settings: tuple[str, ...]) -> None:
        if not self.asked.is_set():
            self.settings = settings
            self.asked.set()


async def _run_once(process: _Process, *, reloaded: tuple[str, ...]) -> tuple[str, ...]:
    """Build a replica (``reloaded``: the settings a reload is for; empty at the first start),
    run it until SIGTERM or until its data center or organization changes, then stop it as
    SIGTERM does. The settings to reload for; empty to stop."""
    owner, db, stop = replica_name(), process.db, process.stop
    reload = _Reload()
    async with aiohttp.ClientSession(trace_configs=crash.trace_configs()) as http:
        # Only the first start records the environment: a reload runs in the same one.
        applied = await console_settings(process.settings, db, record=not reloaded)
        settings = applied.settings
        worker = build_worker(
            settings, db, http, owner, tax_map=applied.tax_map, budget=process.budget
        )
        live, reactions = live_settings(
            applied, SettingsRepository(db), worker, SystemClock(), on_restart=reload
        )
        await _prepare_database(settings, db, worker)
        if reloaded:
            await _queue_backlog(settings, worker)
        api = await serve(
            build_admin_api(settings, worker, applied, db, http, live=live),
            settings.http_host,
            process.http_port,
            grace_seconds=settings.shutdown_grace,
        )
        process.http_port = api.addresses[0][1]
        await worker.consumer.start()
        polling = asyncio.create_task(worker.loop.run())
        reconciling = _start_reconciler(worker)
        checking = asyncio.create_task(worker.check_at_start(auto_sync=live.auto_sync))
        refreshing = asyncio.create_task(
            live.run_forever(settings.settings_refresh, SystemClock()), name="console-settings"
        )
        log.info("worker started", replica=owner, organization=settings.zoho_organization_id)
        if process.started is not None:
            process.started(f"http://{settings.http_host}:{process.http_port}")
            process.started = None
        await _first_of(stop, reload.asked)
        if stop.is_set():
            log.info("stopping", grace_seconds=settings.shutdown_grace)
        else:
            log.info(RELOADING, settings=list(reload.settings))
        await worker.consumer.stop_consuming()
        await api.cleanup()  # manual actions in flight finish within the grace
        background = [task for task in (reconciling, checking, refreshing) if task is not None]
        for task in background:
            task.cancel()
        await reactions.stop()
        await worker.loop.stop(settings.shutdown_grace)
        await asyncio.gather(polling, *background, return_exceptions=True)
        await worker.consumer.close()
    return () if stop.is_set() else reload.settings  # SIGTERM during the drain: no new build


async def _first_of(*events: asyncio.Event) -> None:
    waits = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def _queue_backlog(settings: Settings, worker: Worker) -> None:
    """Orders that waited for an organization (or a data center) go now, not after their
    backoff; with auto sync off they wait on."""
    if settings.zoho_organization_id and settings.auto_sync:
        queued = await queue_pending(worker.orders, SystemClock())
        log.info("pending orders queued", orders=queued)


async def _prepare_database(settings: Settings, db: Database, worker: Worker) -> None:
    await worker.stores.ensure_indexes()
    await connect_from_environment(settings, db, SystemClock())
    if settings.zoho_organization_id:
        await note_auto_sync(
            worker.stores.reconciler,
            worker.orders,
            SystemClock(),
            organization_id=settings.zoho_organization_id,
            auto_sync=settings.auto_sync,
        )


def _start_reconciler(worker: Worker) -> asyncio.Task[None] | None:
    if worker.reconciler is None:
        return None
    return asyncio.create_task(worker.reconciler.run_forever(), name="reconciler")


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[Database]:
    """The database for one command, closed after it."""
    mongo, db = open_database(str(settings.mongodb_uri))
    try:
        yield db
    finally:
        await mongo.close()


@asynccontextmanager
async def _one_off_worker(settings: Settings) -> AsyncIterator[Worker]:
    """A worker built for one command (not consuming), with the console's settings applied
    but not recorded as a start."""
    require_for_run(settings)
    async with _database(settings) as db, aiohttp.ClientSession() as http:
        applied = await console_settings(settings, db, record=False)
        worker = build_worker(applied.settings, db, http, replica_name(), tax_map=applied.tax_map)
        await _prepare_database(applied.settings, db, worker)
        yield worker


async def reconcile_once(settings: Settings) -> PassSummary | None:
    """``zbsync reconcile``: one manual pass (always runs, auto sync or not), under the
    reconciler's leader lease; ``PassRunning`` while a pass runs on a replica."""
    async with _one_off_worker(settings) as worker:
        if worker.reconciler is None:
            return None
        return await worker.reconciler.run_now()


async def check_once(settings: Settings) -> list[Problem]:
    """``zbsync check``: the preflight's problems, each with its fix."""
    async with _database(settings) as db:
        await connect_from_environment(settings, db, SystemClock())
        applied = await console_settings(settings, db, record=False)
        async with aiohttp.ClientSession() as http:
            return await inspection.check(
                applied.settings, db, http, owner=replica_name(), tax_map=applied.tax_map
            )


async def connect_url(settings: Settings, data_center: str | None) -> str:
    """``zbsync connect``: the authorization URL (its state stored as the console's is)."""
    async with _database(settings) as db, aiohttp.ClientSession() as http:
        url, _state = await ConnectionControl(settings, db, http).begin(
            data_center, browser_bound=False
        )
        return url


async def connect_with_code(
    settings: Settings, code: str, state: str | None, accounts_server: str | None
) -> list[dict[str, Any]]:
    """``zbsync connect --code``: exchange the code; the organizations the token sees."""
    async with _database(settings) as db, aiohttp.ClientSession() as http:
        control = ConnectionControl(settings, db, http)
        return await control.finish_headless(code, state, accounts_server)


async def status_once(settings: Settings) -> inspection.Status:
    """``zbsync status``: the shared state, read from MongoDB only."""
    async with _database(settings) as db:
        return await inspection.status(settings, db)


async def act_on_order(settings: Settings, order_id: str, action: ManualAction) -> ManualResult:
    """``zbsync sync`` / ``zbsync delete``: one manual action, on the per-order path (when
    a running replica holds the order, it is recorded and that replica carries it out).
    ``UnknownOrder`` / ``NotAllowed`` when the order's state refuses it."""
    async with _one_off_worker(settings) as worker:
        assert worker.manual is not None
        if action == "delete":
            return await worker.manual.delete_invoice(order_id, CLI_ACTOR)
        return await worker.manual.generate(order_id, CLI_ACTOR)


def _stop_signal() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop
