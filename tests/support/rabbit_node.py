"""A RabbitMQ node of a test's own, to stop and start without touching the shared broker.

The node runs from the distribution's own scripts (``/usr/lib/rabbitmq/bin``, which run as
the calling user, unlike the ``/usr/sbin`` wrappers) with every file under a private
directory: its Erlang cookie (``HOME``), database, logs and pid file. It listens on free
loopback ports. ``stop_app``/``start_app`` take the broker away and bring it back while
the Erlang node, and the queues on disk, stay.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.nx_server import free_port

SCRIPTS = Path("/usr/lib/rabbitmq/bin")
START_TIMEOUT_S = 60
CTL_TIMEOUT_S = 60


def rabbitmq_scripts() -> Path | None:
    """The folder holding ``rabbitmq-server`` and ``rabbitmqctl``, or None when not installed."""
    if (SCRIPTS / "rabbitmq-server").exists():
        return SCRIPTS
    found = shutil.which("rabbitmq-server")
    return Path(found).parent if found else None


@dataclass(frozen=True)
class RabbitNode:
    """A running node: its name, AMQP port and environment."""

    scripts: Path
    name: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    @property
    def amqp_url(self) -> str:
        """Where clients connect (the default guest user, allowed on loopback)."""
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def ctl(self, *args: str) -> None:
        """``rabbitmqctl -n <node> <args>``; raises if it fails."""
        subprocess.run(
            [str(self.scripts / "rabbitmqctl"), "-n", self.name, *args],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=CTL_TIMEOUT_S,
        )

    def stop_app(self) -> None:
        """The broker stops (connections close, the port stops listening); the node stays."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        """The broker starts again with the queues it had."""
        self.ctl("start_app")
        self.ctl("await_startup", "--timeout", str(START_TIMEOUT_S))


def start_node(workdir: Path) -> RabbitNode:
    """Start a node under ``workdir`` and return once the broker runs."""
    scripts = rabbitmq_scripts()
    if scripts is None:
        raise RuntimeError("rabbitmq-server is not installed")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "advanced.config").write_text("[].\n")
    (workdir / "enabled_plugins").write_text("[].\n")
    name = f"zbsync-test-{uuid.uuid4().hex[:8]}@localhost"
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))},
        "HOME": str(workdir),  # the Erlang cookie, shared by the node and rabbitmqctl
        "RABBITMQ_NODENAME": name,
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(free_port()),
        "RABBITMQ_MNESIA_BASE": str(workdir / "mnesia"),
        "RABBITMQ_LOG_BASE": str(workdir / "log"),
        "RABBITMQ_PID_FILE": str(workdir / "node.pid"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(workdir / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(workdir / "none"),  # not the machine's /etc/rabbitmq
        "RABBITMQ_ADVANCED_CONFIG_FILE": str(workdir / "advanced.config"),
        "RABBITMQ_CONF_ENV_FILE": str(workdir / "none-env.conf"),
    }
    with (workdir / "node.out").open("ab") as out:
        process = subprocess.Popen(
            [str(scripts / "rabbitmq-server")], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    node = RabbitNode(scripts, name, port, env, process)
    try:
        node.ctl("wait", "--timeout", str(START_TIMEOUT_S), env["RABBITMQ_PID_FILE"])
    except BaseException:
        stop_node(node)
        raise
    return node


def stop_node(node: RabbitNode) -> None:
    """Halt the node (its Erlang VM), whatever state the broker is in."""
    with contextlib.suppress(subprocess.SubprocessError, OSError):
        node.ctl("stop")
    if node.process.poll() is None:
        node.process.kill()
    node.process.wait(timeout=30)


@contextlib.contextmanager
def running_node(workdir: Path) -> Iterator[RabbitNode]:
    """A node for the duration of the block, always halted afterwards."""
    node = start_node(workdir)
    try:
        yield node
    finally:
        stop_node(node)
