"""Everything under deploy/ parses and names only settings the worker has."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.files import (
    APP_PATHS,
    CHECKOUT,
    DEPLOY,
    ENV_NAME,
    YAML_FILES,
    setting_names,
    yaml_documents,
)
from worker.api import ApiServices, build_app


def test_there_are_compose_and_kubernetes_files() -> None:
    names = {path.relative_to(DEPLOY).as_posix() for path in YAML_FILES}

    assert "docker-compose.yml" in names
    assert {
        "kubernetes/deployment.yaml",
        "kubernetes/service.yaml",
        "kubernetes/configmap.yaml",
        "kubernetes/secret.example.yaml",
        "kubernetes/pdb.yaml",
        "kubernetes/keda.yaml",
    } <= names


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.relative_to(DEPLOY).as_posix())
def test_every_yaml_file_parses(path: Path) -> None:
    assert yaml_documents(path), f"{path.name} holds no document"


@pytest.mark.parametrize(
    "path",
    sorted(path for path in DEPLOY.rglob("*") if path.is_file()),
    ids=lambda path: path.relative_to(DEPLOY).as_posix(),
)
def test_every_variable_named_is_a_setting(path: Path) -> None:
    known = setting_names()

    named = set(ENV_NAME.findall(path.read_text(encoding="utf-8")))

    unknown = named - known.keys()
    assert not unknown, f"{path.name} names variables Settings does not read: {sorted(unknown)}"


def test_every_probed_and_scraped_path_is_a_route_of_the_admin_api() -> None:
    # build_app only registers the services; the handlers, never called here, would use them.
    parts = ApiServices(orders=None, audit=None, manual=None, reconcile=None)  # type: ignore[arg-type]
    app = build_app(parts, "a-test-admin-token")

    routes = {resource.canonical for resource in app.router.resources()}

    assert routes >= APP_PATHS


def test_the_readme_links_the_deploy_guide() -> None:
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")

    assert "](deploy/README.md)" in readme
