"""Reading deploy/ for the static tests: YAML documents, the Dockerfile's instructions, the
worker's settings by environment name. No container engine is needed (none runs here)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from worker.config import ENV_PREFIX, Settings

CHECKOUT = Path(__file__).resolve().parents[2]
DEPLOY = CHECKOUT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
YAML_FILES = sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")])
# A variable's whole name; a prefix such as `ZBSYNC_ZOHO_*` in prose is not one.
ENV_NAME = re.compile(r"\bZBSYNC_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])")
# The paths deploy/ probes and scrapes; test_deploy_files checks each is a route of the app.
APP_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# In a container the worker listens on every interface, or nothing outside it reaches it.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
# Compose interpolation: ${NAME}, ${NAME:?message}, ${NAME:-default}, ...
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")
# Values a person puts in deploy/.env; valid, so that the rest of the environment is checked.
TEST_ENV_FILE = {
    "ZBSYNC_ADMIN_TOKEN": "a-test-admin-token",
    "ZBSYNC_SECRET_KEY": Fernet.generate_key().decode(),
}


def setting_names() -> dict[str, str]:
    """Every environment variable Settings reads, to its field name (aliases are not prefixed)."""
    names = {}
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias or field.alias
        env = alias if isinstance(alias, str) else f"{ENV_PREFIX}{field_name.upper()}"
        names[env.upper()] = field_name
    return names


def settings_from(environment: dict[str, str]) -> Settings:
    """Settings built from ``environment`` alone (no .env file, no process environment)."""
    names = setting_names()
    fields: dict[str, Any] = {names[name]: value for name, value in environment.items()}
    return Settings(_env_file=None, **fields)


def default(field_name: str) -> Any:
    """A setting's default, as Settings declares it."""
    return Settings.model_fields[field_name].default


def yaml_documents(path: Path) -> list[Any]:
    """Every document of a YAML file."""
    import yaml  # noqa: PLC0415 - only these tests read YAML

    with path.open(encoding="utf-8") as stream:
        return [document for document in yaml.safe_load_all(stream) if document is not None]


def manifest(kind: str) -> dict[str, Any]:
    """The one Kubernetes object of ``kind`` under deploy/kubernetes."""
    found = [
        document
        for path in sorted(KUBERNETES.glob("*.yaml"))
        for document in yaml_documents(path)
        if isinstance(document, dict) and document.get("kind") == kind
    ]
    assert len(found) == 1, f"expected one {kind} in deploy/kubernetes, found {len(found)}"
    result: dict[str, Any] = found[0]
    return result


def compose() -> dict[str, Any]:
    """deploy/docker-compose.yml."""
    (document,) = yaml_documents(DEPLOY / "docker-compose.yml")
    result: dict[str, Any] = document
    return result


def interpolate(value: str, env_file: dict[str, str]) -> str:
    """Compose's ``${NAME...}`` replaced by the env file's value (a missing one fails)."""

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        assert name in env_file, f"docker-compose.yml needs {name}, which deploy/.env lacks"
        return env_file[name]

    return INTERPOLATION.sub(replace, value)


def dockerfile() -> list[tuple[str, str]]:
    """deploy/Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        instruction, _, arguments = (pending + line).partition(" ")
        instructions.append((instruction.upper(), arguments.strip()))
        pending = ""
    return instructions


def exec_form(arguments: str) -> list[str]:
    """An exec-form (JSON array) argument list; shell form fails."""
    parsed = json.loads(arguments)
    assert isinstance(parsed, list), f"not exec form: {arguments}"
    return [str(item) for item in parsed]
