"""Fixtures for real services: a MongoDB wire-protocol server and the RabbitMQ broker.

MongoDB: ``ZBSYNC_TEST_MONGODB_URI`` when set (a real MongoDB), else one
nx-27017 per test session on a free port. Every test gets its own database,
dropped afterwards. RabbitMQ: ``ZBSYNC_TEST_AMQP_URL`` (default the local
broker); every test gets uniquely named exchanges and queues, deleted afterwards.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import structlog

from tests.support.nx_server import running_nx
from tests.support.rabbit import RabbitNames, delete_declared
from worker.logs import configure_logging
from worker.store.mongo import Database, open_database, with_database

pytest_plugins = [
    "tests.support.zoho_fixtures",
    "tests.support.sync_harness",
    "tests.support.browser",
]

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
_MARKERS_BY_FIXTURE = {"mongodb_uri": "mongodb", "amqp_url": "rabbitmq", "chromium": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by the services they use, so ``-m "not rabbitmq"`` selects without them."""
    for item in items:
        for fixture, marker in _MARKERS_BY_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A MongoDB to talk to: the real one named in the environment, else a fresh nx-27017."""
    real = os.environ.get("ZBSYNC_TEST_MONGODB_URI")
    if real:
        yield real
        return
    with running_nx(tmp_path_factory.mktemp("nx"), data_dir="memory") as server:
        yield server.uri


@pytest.fixture
async def mongo_db(mongodb_uri: str) -> AsyncIterator[Database]:
    """A database of this test's own, opened as the worker opens its own; dropped when it ends."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    client, db = open_database(with_database(mongodb_uri, name), serverSelectionTimeoutMS=5000)
    try:
        yield db
    finally:
        await client.drop_database(name)
        await client.close()


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """The broker the tests use."""
    return os.environ.get("ZBSYNC_TEST_AMQP_URL", DEFAULT_AMQP_URL)


@pytest.fixture
async def rabbit_names(amqp_url: str) -> AsyncIterator[RabbitNames]:
    """Unique names for this test; whatever was declared under them is deleted afterwards."""
    names = RabbitNames.unique()
    yield names
    await delete_declared(amqp_url, names)


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """The worker's JSON logs (debug and up) on captured stderr; reset afterwards."""
    configure_logging("json", level=logging.DEBUG)
    yield capsys
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()
