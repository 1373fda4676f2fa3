"""deploy/kubernetes: probes on the app's paths and port, settings that validate, KEDA on the
worker's queue, and a grace period longer than the worker's drain."""

from __future__ import annotations

from typing import Any

from tests.deploy.files import (
    ALL_INTERFACES,
    APP_PATHS,
    KUBERNETES,
    TEST_ENV_FILE,
    dockerfile,
    manifest,
    settings_from,
)
from worker.cli_parser import build_parser
from worker.config import Settings

LABELS = {"app.kubernetes.io/name": "zoho-books-sync", "app.kubernetes.io/component": "worker"}


def _pod() -> dict[str, Any]:
    pod: dict[str, Any] = manifest("Deployment")["spec"]["template"]
    return pod


def _container() -> dict[str, Any]:
    (container,) = _pod()["spec"]["containers"]
    result: dict[str, Any] = container
    return result


def _config() -> dict[str, str]:
    data: dict[str, str] = manifest("ConfigMap")["data"]
    return data


def _settings() -> Settings:
    """What a replica reads: the ConfigMap, with valid values where the Secret has placeholders."""
    return settings_from({**_config(), **TEST_ENV_FILE})


def _port(name: str) -> int:
    (port,) = [port for port in _container()["ports"] if port["name"] == name]
    number: int = port["containerPort"]
    return number


def test_the_deployment_runs_two_replicas_of_zbsync_run() -> None:
    deployment = manifest("Deployment")
    _, commands = build_parser()

    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["selector"]["matchLabels"] == LABELS
    assert _pod()["metadata"]["labels"] == LABELS
    assert _container()["args"] == ["run"]
    assert _container()["args"][0] in commands
    assert "command" not in _container(), "the image's ENTRYPOINT (zbsync) stays"


def test_the_container_port_is_the_one_the_app_listens_on() -> None:
    settings = _settings()

    assert settings.http_host == ALL_INTERFACES
    assert _port("http") == settings.http_port == Settings.model_fields["http_port"].default


def test_liveness_asks_healthz_and_readiness_asks_readyz_on_the_container_port() -> None:
    container = _container()
    probes = {kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe")}
    probes["readinessProbe"] = container["readinessProbe"]["httpGet"]

    assert probes["livenessProbe"]["path"] == "/healthz"
    assert probes["startupProbe"]["path"] == "/healthz"
    assert probes["readinessProbe"]["path"] == "/readyz"
    for probe in probes.values():
        assert probe["path"] in APP_PATHS
        assert _port(probe["port"]) == _settings().http_port


def test_the_service_sends_to_the_container_port() -> None:
    service = manifest("Service")

    (port,) = service["spec"]["ports"]
    assert service["spec"]["selector"] == LABELS
    assert port["port"] == _settings().http_port
    assert _port(port["targetPort"]) == _settings().http_port


def test_the_pod_runs_non_root_with_a_read_only_root_and_resources() -> None:
    pod = _pod()["spec"]
    container = _container()
    image_user = [arguments for name, arguments in dockerfile() if name == "USER"][-1]

    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == image_user.split(":")[0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    assert "memory" in container["resources"]["limits"]


def test_termination_grace_exceeds_the_shutdown_grace() -> None:
    grace = _pod()["spec"]["terminationGracePeriodSeconds"]

    assert grace > _settings().shutdown_grace


def test_settings_come_from_the_config_map_and_the_secret() -> None:
    sources = _container()["envFrom"]
    secret = manifest("Secret")

    assert {"configMapRef": {"name": manifest("ConfigMap")["metadata"]["name"]}} in sources
    assert {"secretRef": {"name": secret["metadata"]["name"]}} in sources
    assert {
        "ZBSYNC_ADMIN_TOKEN",
        "ZBSYNC_SECRET_KEY",
        "ZBSYNC_ZOHO_CLIENT_SECRET",
        "ZBSYNC_MONGODB_URI",
        "ZBSYNC_AMQP_URL",
    } <= secret["stringData"].keys()
    assert not secret["stringData"].keys() & _config().keys(), "a secret only in the Secret"


def test_the_disruption_budget_keeps_one_replica() -> None:
    budget = manifest("PodDisruptionBudget")

    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"] == LABELS


def test_keda_scales_the_deployment_on_the_workers_queue_length() -> None:
    scaled = manifest("ScaledObject")
    authentication = manifest("TriggerAuthentication")
    secret = manifest("Secret")

    (trigger,) = scaled["spec"]["triggers"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == manifest("Deployment")["metadata"]["name"]
    assert scaled["spec"]["minReplicaCount"] >= 2
    assert trigger["type"] == "rabbitmq"
    assert trigger["metadata"]["mode"] == "QueueLength"
    assert trigger["metadata"]["queueName"] == _settings().queue
    assert _settings().queue == Settings.model_fields["queue"].default
    assert trigger["authenticationRef"]["name"] == authentication["metadata"]["name"]
    (host,) = authentication["spec"]["secretTargetRef"]
    assert host["parameter"] == "host"
    assert host["name"] == secret["metadata"]["name"]
    assert host["key"] == "ZBSYNC_AMQP_URL"


def test_kustomize_applies_everything_but_the_secret_example() -> None:
    kustomization = manifest("Kustomization")

    listed = set(kustomization["resources"])
    files = {path.name for path in KUBERNETES.glob("*.yaml")}

    assert listed == files - {"kustomization.yaml", "secret.example.yaml"}
