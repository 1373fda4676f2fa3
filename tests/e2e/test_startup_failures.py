"""A command that cannot start says why in one line on stderr, not a traceback, and exits non-zero.

Each runs ``python -m worker`` as its user would, in an empty folder (no ``.env``) with no
``ZBSYNC_*`` variable from the machine. An unreachable service is a port that is bound but never
listens, so a connection is refused at once and no other process can take the port meanwhile.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from worker.store.mongo import with_database

TIMEOUT = 60


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port on which nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


def _zbsync(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ZBSYNC_")}
    return subprocess.run(
        [sys.executable, "-m", "worker", *args],
        cwd=cwd,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _run_env(mongodb_uri: str, amqp_port: int) -> dict[str, str]:
    return {
        "ZBSYNC_ADMIN_TOKEN": "admin-token",
        "ZBSYNC_SECRET_KEY": Fernet.generate_key().decode(),
        "ZBSYNC_MONGODB_URI": mongodb_uri,
        "ZBSYNC_AMQP_URL": f"amqp://shop:amqp-secret@127.0.0.1:{amqp_port}/",
    }


def test_run_with_mongodb_unreachable_prints_one_line(tmp_path: Path, closed_port: int) -> None:
    uri = f"mongodb://shop:mongo-secret@127.0.0.1:{closed_port}/zb?serverSelectionTimeoutMS=200"

    done = _zbsync(tmp_path, "run", **_run_env(uri, closed_port))

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"zbsync run: MongoDB did not answer at 127.0.0.1:{closed_port} "
        "(ZBSYNC_MONGODB_URI): is it running?"
    ]


def test_run_with_rabbitmq_unreachable_ends_with_one_line(
    tmp_path: Path, closed_port: int, mongodb_uri: str
) -> None:
    uri = with_database(mongodb_uri, "t_startup_rabbitmq")

    done = _zbsync(tmp_path, "run", **_run_env(uri, closed_port))

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "amqp-secret" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"zbsync run: RabbitMQ did not answer at 127.0.0.1:{closed_port} "
        "(ZBSYNC_AMQP_URL): is it running?"
    )


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('{"requests_per_minute": 0, "mint_limit": "ten"}', "requests_per_minute"),
        ('{"requests_per_minute": 100,', "is not JSON"),
        ('["time_scale", 60]', "must hold a JSON object"),
    ],
)
def test_sandbox_with_a_bad_config_file_prints_one_line(
    tmp_path: Path, content: str, named: str
) -> None:
    config = tmp_path / "sandbox.json"
    config.write_text(content)

    done = _zbsync(tmp_path, "sandbox", "--config", str(config), "--port", "0")

    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("zbsync sandbox: ")
    assert named in done.stderr
