"""The connection document: tokens sealed at rest, readable after a key rotation."""

from __future__ import annotations

from functools import partial

import pytest
from cryptography.fernet import Fernet, MultiFernet

from tests.support.stepping_clock import SteppingClock
from worker.domain.connection import StoredConnection
from worker.domain.scopes import REQUIRED_SCOPES
from worker.store.connection import ConnectionRepository, SealedTokenUnreadable
from worker.store.mongo import ZOHO_CONNECTIONS, Database
from worker.zoho.connect import adopt_environment_token, store_refresh_token

REFRESH = "1000.refresh-token-value"
ACCESS = "1000.access-token-value"


def _repository(db: Database, *keys: str) -> ConnectionRepository:
    return ConnectionRepository(db, MultiFernet([Fernet(key) for key in keys]))


async def test_tokens_are_never_stored_in_clear(mongo_db: Database) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    await repository.save(StoredConnection("eu", "client", REFRESH, access_token=ACCESS))

    raw = await mongo_db[ZOHO_CONNECTIONS].find_one({})

    assert raw is not None
    assert REFRESH not in str(raw)
    assert ACCESS not in str(raw)
    assert REFRESH not in repr(await repository.load())


async def test_a_token_sealed_under_the_old_key_is_read_after_rotation(mongo_db: Database) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    saved = await _repository(mongo_db, old).save(StoredConnection("com", "client", REFRESH))
    assert saved is not None

    rotated = _repository(mongo_db, new, old)
    loaded = await rotated.load()
    assert loaded is not None
    assert loaded.refresh_token == REFRESH
    assert await rotated.save(loaded) is not None  # any write re-seals with the first key

    reloaded = await _repository(mongo_db, new).load()
    assert reloaded is not None
    assert reloaded.refresh_token == REFRESH


async def test_a_replaced_key_is_reported_not_guessed(mongo_db: Database) -> None:
    await _repository(mongo_db, Fernet.generate_key().decode()).save(
        StoredConnection("com", "client", REFRESH)
    )

    with pytest.raises(SealedTokenUnreadable, match="ZBSYNC_SECRET_KEY"):
        await _repository(mongo_db, Fernet.generate_key().decode()).load()


async def test_a_write_based_on_a_stale_read_is_refused(mongo_db: Database) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    first = await repository.save(StoredConnection("com", "client", REFRESH))
    assert first is not None

    assert await repository.save(first.replace(access_token="a")) is not None
    assert await repository.save(first.replace(access_token="b")) is None
    assert await repository.save(StoredConnection("com", "client", "other")) is None


async def test_environment_token_is_stored_once_and_a_console_connect_replaces_it(
    mongo_db: Database,
) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    clock = SteppingClock()
    adopt = partial(
        adopt_environment_token, repository, clock, data_center="eu", client_id="client"
    )

    assert await adopt(refresh_token="1000.env-a")
    assert not await adopt(refresh_token="1000.env-a")
    await store_refresh_token(
        repository, clock, data_center="eu", client_id="client", refresh_token="1000.console"
    )
    assert not await adopt(refresh_token="1000.env-a")
    stored = await repository.load()
    assert stored is not None
    assert stored.refresh_token == "1000.console"

    assert await adopt(refresh_token="1000.env-b")
    stored = await repository.load()
    assert stored is not None
    assert stored.refresh_token == "1000.env-b"


async def test_reconnecting_clears_a_broken_mark_but_keeps_the_mint_log(mongo_db: Database) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    broken = await repository.save(
        StoredConnection(
            "com",
            "client",
            REFRESH,
            status="broken",
            broken_reason="invalid_code",
            mints_ms=(1, 2, 3),
        )
    )
    assert broken is not None

    fresh = await store_refresh_token(
        repository, SteppingClock(), data_center="com", client_id="client", refresh_token="1000.new"
    )

    assert (fresh.status, fresh.broken_reason, fresh.mints_ms) == ("connected", None, (1, 2, 3))


async def test_the_scopes_asked_for_are_stored_and_kept_by_a_token_refresh(
    mongo_db: Database,
) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    asked = REQUIRED_SCOPES[:-1]
    stored = await store_refresh_token(
        repository, SteppingClock(), data_center="com", client_id="c", refresh_token=REFRESH,
        scopes=asked,
    )  # fmt: skip
    raw = await mongo_db[ZOHO_CONNECTIONS].find_one({})
    assert raw is not None
    assert raw["scopes"] == list(asked)  # an array in the document

    # What a refresh writes: a new access token over the record read, nothing else.
    assert await repository.save(stored.replace(access_token=ACCESS, expires_in=3600))
    loaded = await repository.load()
    assert loaded is not None
    assert (loaded.access_token, loaded.scopes) == (ACCESS, asked)


async def test_a_connection_stored_before_scopes_were_recorded_reads_as_unknown(
    mongo_db: Database,
) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    saved = await repository.save(StoredConnection("com", "client", REFRESH))
    assert saved is not None
    raw = await mongo_db[ZOHO_CONNECTIONS].find_one({})
    assert raw is not None
    assert "scopes" not in raw  # as every document written before the field existed

    loaded = await repository.load()
    assert loaded is not None
    assert loaded.scopes is None


async def test_an_environment_token_replaces_recorded_scopes_with_unknown(
    mongo_db: Database,
) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    clock = SteppingClock()
    await store_refresh_token(
        repository, clock, data_center="eu", client_id="c", refresh_token="1000.console",
        scopes=REQUIRED_SCOPES,
    )  # fmt: skip
    assert await adopt_environment_token(
        repository, clock, data_center="eu", client_id="c", refresh_token="1000.env"
    )

    loaded = await repository.load()
    assert loaded is not None
    assert (loaded.refresh_token, loaded.scopes) == ("1000.env", None)


async def test_a_failed_refresh_record_is_kept_and_older_documents_read_without_one(
    mongo_db: Database,
) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    failed = await repository.save(
        StoredConnection(
            "com",
            "client",
            REFRESH,
            access_token=ACCESS,
            refresh_failing_since_ms=1_800_000_000_000,
            rejected_token_hash="ab" * 32,
        )
    )
    assert failed is not None
    loaded = await repository.load()
    assert loaded is not None
    assert (loaded.refresh_failing_since_ms, loaded.rejected_token_hash) == (
        1_800_000_000_000,
        "ab" * 32,
    )

    # As every document written before the fields existed.
    unset = {"refresh_failing_since_ms": "", "rejected_token_hash": ""}
    await mongo_db[ZOHO_CONNECTIONS].update_one({}, {"$unset": unset})
    older = await repository.load()
    assert older is not None
    assert (older.refresh_failing_since_ms, older.rejected_token_hash) == (0, None)


async def test_reconnecting_forgets_a_failed_refresh(mongo_db: Database) -> None:
    repository = _repository(mongo_db, Fernet.generate_key().decode())
    await repository.save(
        StoredConnection(
            "com", "client", REFRESH, refresh_failing_since_ms=1, rejected_token_hash="ab" * 32
        )
    )

    fresh = await store_refresh_token(
        repository, SteppingClock(), data_center="com", client_id="client", refresh_token="1000.new"
    )

    assert (fresh.refresh_failing_since_ms, fresh.rejected_token_hash) == (0, None)
