"""deploy/Dockerfile: multi-stage, non-root, exec-form `zbsync run`, a health check on /healthz."""

from __future__ import annotations

import json
import tomllib

from tests.deploy.files import CHECKOUT, dockerfile, exec_form
from worker.cli_parser import build_parser
from worker.config import Settings


def _all(instruction: str) -> list[str]:
    return [arguments for name, arguments in dockerfile() if name == instruction]


def _last(instruction: str) -> str:
    found = _all(instruction)
    assert found, f"the Dockerfile has no {instruction}"
    return found[-1]


def test_it_builds_in_one_stage_and_runs_in_a_slim_one() -> None:
    stages = _all("FROM")

    assert len(stages) >= 2
    assert stages[-1].endswith("AS runtime")
    assert "PYTHON_IMAGE=python:3.11-slim" in _all("ARG")
    installs = " ".join(_all("RUN"))
    assert "--constraint constraints.txt" in installs


def test_it_runs_as_a_fixed_non_root_uid() -> None:
    user = _last("USER")

    uid = user.split(":")[0]
    assert uid.isdigit(), "a numeric uid, so that Kubernetes' runAsNonRoot can check it"
    assert int(uid) != 0


def test_the_entry_point_is_the_console_script_and_the_command_is_run() -> None:
    scripts = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    _, commands = build_parser()

    entrypoint = exec_form(_last("ENTRYPOINT"))
    command = exec_form(_last("CMD"))

    assert entrypoint == ["zbsync"]
    assert entrypoint[0] in scripts
    assert command == ["run"]
    assert command[0] in commands


def test_it_listens_on_all_addresses_on_the_default_port() -> None:
    environment = " ".join(_all("ENV"))
    port = Settings.model_fields["http_port"].default

    assert "ZBSYNC_HTTP_HOST=0.0.0.0" in environment
    assert f"ZBSYNC_HTTP_PORT={port}" in environment
    assert _all("EXPOSE") == [str(port)]


def test_the_health_check_asks_healthz_with_python() -> None:
    check = _last("HEALTHCHECK")

    _, _, command = check.partition(" CMD ")
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"]
    compile(argv[2], "HEALTHCHECK", "exec")
    assert "/healthz" in argv[2]
    assert "'ZBSYNC_HTTP_PORT', '8080'" in argv[2]


def test_the_build_context_admits_what_is_copied_and_keeps_secrets_out() -> None:
    rules = (CHECKOUT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    admitted = {rule.removeprefix("!").rstrip("/") for rule in rules if rule.startswith("!")}
    copied = [
        source.rstrip("/")
        for arguments in _all("COPY")
        if not arguments.startswith("--from")
        for source in arguments.split()[:-1]
    ]

    assert "*" in rules, "everything is left out unless admitted"
    assert set(copied) <= admitted
    assert not admitted & {".env", ".zbsync", ".venv"}
