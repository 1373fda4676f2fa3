"""The readiness checks ``zbsync run`` wires, on a real database: the ping, the stored Zoho
connection (not connected, usable, broken, refresh failing) and a database that cannot be
reached."""

from __future__ import annotations

import socket

from cryptography.fernet import Fernet

from tests.support.manual_clock import ManualClock
from worker.api.readiness import run_checks
from worker.bootstrap.readiness import NOT_CONSUMING, readiness_checks
from worker.config import Settings
from worker.domain.connection import StoredConnection
from worker.domain.readiness import BROKEN, NOT_CONNECTED
from worker.domain.token_rules import token_fingerprint
from worker.store.connection import ConnectionRepository
from worker.store.mongo import Database, open_database


class Consumer:
    """The consumer's state, as a test sets it."""

    consuming = True


def _settings() -> Settings:
    return Settings(_env_file=None, secret_key=Fernet.generate_key().decode())


async def test_the_database_passes_and_the_zoho_check_follows_the_stored_connection(
    mongo_db: Database,
) -> None:
    settings, consumer = _settings(), Consumer()
    checks = readiness_checks(settings, mongo_db, consumer)
    assert await run_checks(checks) == (
        False,
        {
            "broker": {"ok": True},
            "database": {"ok": True},
            "zoho": {"ok": False, "reason": NOT_CONNECTED},
        },
    )
    repository = ConnectionRepository(mongo_db, settings.fernet())
    stored = await repository.save(StoredConnection("com", "client", "refresh-token"))
    assert stored is not None
    assert (await run_checks(checks))[0] is True
    await repository.save(stored.replace(status="broken", broken_reason="invalid_code"))
    consumer.consuming = False
    ready, results = await run_checks(checks)
    assert not ready
    assert results["zoho"] == {"ok": False, "reason": BROKEN}
    assert results["broker"] == {"ok": False, "reason": NOT_CONSUMING}


async def test_the_zoho_check_reads_a_failed_refresh_of_a_refused_token_and_heals_on_a_mint(
    mongo_db: Database,
) -> None:
    settings, clock = _settings(), ManualClock()
    checks = readiness_checks(settings, mongo_db, Consumer(), clock)
    repository = ConnectionRepository(mongo_db, settings.fernet())
    stored = await repository.save(
        StoredConnection(
            "com",
            "client",
            "refresh-token",
            access_token="refused-access-token",
            access_expires_at_ms=clock.now_ms() + 3_600_000,  # valid by the clock
            refresh_failing_since_ms=clock.now_ms(),
            denied_until_ms=clock.now_ms() + 5_000,  # the pause between attempts
            rejected_token_hash=token_fingerprint("refused-access-token"),
        )
    )
    assert stored is not None
    ready, results = await run_checks(checks)
    assert not ready
    reason = str(results["zoho"]["reason"])
    assert reason.startswith("token refresh failing since ")
    assert "refused-access-token" not in reason

    clock.advance(6_000)  # past the pause: still not ready
    assert (await run_checks(checks))[0] is False
    await repository.save(
        stored.replace(access_token="minted", refresh_failing_since_ms=0, rejected_token_hash=None)
    )
    assert (await run_checks(checks))[0] is True


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_database_that_cannot_be_reached_fails_the_database_and_zoho_checks() -> None:
    client, db = open_database(
        f"mongodb://127.0.0.1:{_closed_port()}/zbsync", serverSelectionTimeoutMS=100
    )
    try:
        ready, results = await run_checks(readiness_checks(_settings(), db, Consumer()))
    finally:
        await client.close()
    assert not ready
    assert results["database"] == {
        "ok": False,
        "reason": "check failed: ServerSelectionTimeoutError",
    }
    assert results["zoho"]["ok"] is False
    assert results["broker"] == {"ok": True}
