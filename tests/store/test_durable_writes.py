"""Every MongoDB operation of the worker is durable: majority + journal, primary reads (SPEC §5)."""

from __future__ import annotations

import uuid
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from pymongo import ReadPreference, WriteConcern
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)
from pymongo.read_concern import ReadConcern

from worker.bootstrap import Stores
from worker.domain.connection import StoredConnection
from worker.events import parse_event
from worker.store.budget import BudgetRepository
from worker.store.connection import ConnectionRepository
from worker.store.mongo import Database, open_database, with_database
from worker.sync.intake import take_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "schemas" / "examples" / "order-paid-two-rates.json"
MAJORITY_JOURNALED = {"w": "majority", "j": True}
WRITES = frozenset({"insert", "update", "delete", "findAndModify", "createIndexes"})
READS = frozenset({"find", "aggregate", "count", "distinct"})


class Commands(CommandListener):
    """Every command the client sends, as sent."""

    def __init__(self) -> None:
        self.sent: list[CommandStartedEvent] = []

    def started(self, event: CommandStartedEvent) -> None:
        """Keep it."""
        self.sent.append(event)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        """Not needed."""

    def failed(self, event: CommandFailedEvent) -> None:
        """Not needed."""


async def test_a_connection_string_cannot_weaken_durability(mongodb_uri: str) -> None:
    weak = with_database(mongodb_uri, "zbsync_weak") + (
        "?w=1&journal=false&readPreference=secondaryPreferred&readConcernLevel=local"
    )
    client, db = open_database(weak)
    try:
        for scope in (db, db["orders"], db.get_collection("zoho_connections")):
            assert scope.write_concern == WriteConcern("majority", j=True)
            assert scope.read_preference == ReadPreference.PRIMARY
            assert scope.read_concern == ReadConcern("majority")
    finally:
        await client.close()


async def test_every_command_the_stores_send_is_durable(mongodb_uri: str) -> None:
    """The repositories the worker runs on, used as it uses them, send only durable forms."""
    commands = Commands()
    name = f"t_{uuid.uuid4().hex[:16]}"
    client, db = open_database(with_database(mongodb_uri, name), event_listeners=[commands])
    try:
        await _use_every_store(db)
    finally:
        await client.drop_database(name)
        await client.close()

    writes = [c for c in commands.sent if c.command_name in WRITES]
    reads = [c for c in commands.sent if c.command_name in READS]
    assert {c.command_name for c in writes} >= {"insert", "update", "createIndexes"}
    assert {c.command_name for c in reads} >= {"find"}
    assert all(c.command.get("writeConcern") == MAJORITY_JOURNALED for c in writes), writes
    assert all(c.command.get("readConcern") == {"level": "majority"} for c in reads), reads


async def _use_every_store(db: Database) -> None:
    """Intake, leases, contacts, reconciler state, token and budget documents: write and read."""
    stores = Stores.on(db)
    await stores.ensure_indexes()
    event = parse_event(EXAMPLE.read_bytes())
    assert (await take_in(stores.orders, stores.audit, event, 1_000, "a")).outcome == "stored"
    assert await stores.orders.load(event.order_id) is not None
    assert await stores.leases.acquire("order:1", "a", 30_000, 1_000) == 1
    await stores.reconciler.set_state("org", last_ms=1)
    assert await stores.reconciler.state("org")
    connections = ConnectionRepository(db, MultiFernet([Fernet(Fernet.generate_key())]))
    saved = await connections.save(StoredConnection("com", "client", "1000.refresh"))
    assert saved is not None
    assert await connections.load() == saved
    await BudgetRepository(db).hold_off("org", 2_000)
