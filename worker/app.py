"""``zbsync run``: runs what ``bootstrap.build_worker`` wires, until SIGTERM.

Start-up never waits for Zoho: with no connection or organization yet, orders
are stored and wait as ``pending``. On SIGTERM the worker stops consuming,
lets in-flight Zoho work finish within ``SHUTDOWN_GRACE`` (a create cut off
leaves its intent, so the next holder looks before creating), releases its
leases and exits 0.
"""

from __future__ import annotations

import asyncio
import signal

import aiohttp
import structlog

from .bootstrap import Worker, build_worker, connect_from_environment, replica_name
from .clock import SystemClock
from .config import Settings, require_for_run
from .domain.budget_ledger import BudgetLimits
from .domain.lanes import Lane
from .reconcile.backfill import note_auto_sync
from .reconcile.passes import PassSummary
from .store.mongo import Database, open_database
from .sync import crash

log = structlog.get_logger(__name__)


async def run_worker(settings: Settings, *, budget: BudgetLimits | None = None) -> int:
    """Run until SIGTERM or SIGINT; 0 on a clean stop (``budget``: see ``build_zoho``)."""
    require_for_run(settings)
    crash.requested()  # a misspelt crash step fails here, not silently
    owner = replica_name()
    mongo, db = open_database(str(settings.mongodb_uri))
    stop = _stop_signal()
    async with aiohttp.ClientSession(trace_configs=crash.trace_configs()) as http:
        worker = build_worker(settings, db, http, owner, budget=budget)
        await _prepare_database(settings, db, worker)
        await worker.consumer.start()
        polling = asyncio.create_task(worker.loop.run())
        reconciling = _start_reconciler(worker)
        checking = _start_index_check(worker) if settings.auto_sync else None
        upsert_check = asyncio.create_task(_check_upsert_mode(worker), name="upsert-check")
        log.info("worker started", replica=owner, organization=settings.zoho_organization_id)
        await stop.wait()
        log.info("stopping", grace_seconds=settings.shutdown_grace)
        await worker.consumer.stop_consuming()
        background = [task for task in (reconciling, checking, upsert_check) if task is not None]
        for task in background:
            task.cancel()
        await worker.loop.stop(settings.shutdown_grace)
        await asyncio.gather(polling, *background, return_exceptions=True)
        await worker.consumer.close()
    await mongo.close()
    log.info("stopped")
    return 0


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


async def _check_upsert_mode(worker: Worker) -> None:
    """Ask Zoho at start whether creates can upsert (logged); start-up does not wait for it."""
    if worker.upsert is None:
        return
    try:
        await worker.upsert.field(Lane.RECONCILER)
    except Exception as exc:  # not connected yet, Zoho away: the first pass to create asks again
        log.info("upsert mode not checked yet", why=str(exc))


def _start_reconciler(worker: Worker) -> asyncio.Task[None] | None:
    if worker.reconciler is None:
        return None
    return asyncio.create_task(worker.reconciler.run_forever(), name="reconciler")


def _start_index_check(worker: Worker) -> asyncio.Task[None] | None:
    """Automatic creates trust the invoice index only once this process checked it against
    Zoho (with auto sync off only a person creates, and a person's create looks in Zoho)."""
    if worker.index is None:
        return None
    # In the live lane: until it is done, every live create costs a lookup instead.
    return asyncio.create_task(worker.index.check_until_done(Lane.LIVE), name="index")


async def reconcile_once(settings: Settings) -> PassSummary | None:
    """``zbsync reconcile``: one manual pass (always runs, auto sync or not)."""
    require_for_run(settings)
    mongo, db = open_database(str(settings.mongodb_uri))
    try:
        async with aiohttp.ClientSession() as http:
            worker = build_worker(settings, db, http, replica_name())
            await _prepare_database(settings, db, worker)
            if worker.reconcile is None:
                return None
            return await worker.reconcile.run(manual=True)
    finally:
        await mongo.close()


def _stop_signal() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop
