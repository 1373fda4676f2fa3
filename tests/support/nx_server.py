"""Starting and stopping an nx-27017 server (a MongoDB wire-protocol server) for tests.

See ``../shared/mongodb-in-tests.md``: its own pid file, log file and data dir
in a private temporary directory, a free loopback port, stopped by PID.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

NX_BINARY = Path(sys.executable).with_name("nx-27017")
START_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class NxServer:
    """A running nx-27017 process."""

    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path

    @property
    def uri(self) -> str:
        """A connection string for it (no replica set: nx does not speak that)."""
        return f"mongodb://127.0.0.1:{self.port}/"


def start_nx(workdir: Path, *, port: int | None = None, data_dir: str | None = None) -> NxServer:
    """Start nx-27017 and return once it answers a ping."""
    port = port or free_port()
    data = Path(data_dir) if data_dir else workdir / "data"
    workdir.mkdir(parents=True, exist_ok=True)
    command = [
        str(NX_BINARY), "--host", "127.0.0.1", "--port", str(port),
        "--data-dir", str(data), "--log-file", str(workdir / "nx.log"),
        "--pid-file", str(workdir / "nx.pid"),
    ]  # fmt: skip
    with (workdir / "nx.out").open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = NxServer(process, port, data)
    _await_ping(server)
    return server


def _await_ping(server: NxServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"nx-27017 exited with {server.process.returncode} at start")
        probe: MongoClient[dict[str, object]]
        with MongoClient(server.uri, serverSelectionTimeoutMS=250) as probe:
            try:
                probe.admin.command("ping")
            except PyMongoError:
                if time.monotonic() > deadline:
                    raise
            else:
                return


def stop_nx(server: NxServer, *, kill: bool = False) -> None:
    """Stop the server by its PID (SIGKILL when ``kill``) and reap it."""
    if server.process.poll() is None:
        server.process.kill() if kill else server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextlib.contextmanager
def running_nx(workdir: Path, **kwargs: str | int) -> Iterator[NxServer]:
    """An nx-27017 server for the duration of the block."""
    server = start_nx(workdir, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_nx(server)
