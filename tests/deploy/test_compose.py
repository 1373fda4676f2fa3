"""deploy/docker-compose.yml: the services, their health checks and the workers' settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.deploy.files import ALL_INTERFACES, TEST_ENV_FILE, compose, interpolate, settings_from
from worker.cli_parser import build_parser
from worker.config import Settings


def _services() -> dict[str, Any]:
    services: dict[str, Any] = compose()["services"]
    return services


def _workers() -> dict[str, Any]:
    return {
        name: service for name, service in _services().items() if service.get("command") == ["run"]
    }


def _settings(service: dict[str, Any]) -> Settings:
    environment = {
        name: interpolate(str(value), TEST_ENV_FILE)
        for name, value in service["environment"].items()
    }
    return settings_from(environment)


def _seconds(duration: str) -> float:
    assert duration.endswith("s"), f"{duration}: write compose durations in seconds"
    return float(duration.removesuffix("s"))


def test_the_services_are_the_broker_the_database_the_sandbox_and_two_workers() -> None:
    services = _services()

    assert services["rabbitmq"]["image"] == "rabbitmq:3-management"
    assert services["mongodb"]["image"] == "mongo:7"
    assert services["sandbox"]["command"][0] == "sandbox"
    assert len(_workers()) == 2


@pytest.mark.parametrize("name", sorted(compose()["services"]))
def test_every_service_has_a_health_check(name: str) -> None:
    check = _services()[name]["healthcheck"]

    assert check["test"][0] == "CMD"
    if check["test"][1] == "python":
        compile(check["test"][3], f"{name} health check", "exec")


def test_mongodb_is_a_single_node_replica_set_initiated_by_its_health_check() -> None:
    mongodb = _services()["mongodb"]

    command = mongodb["command"]
    replica_set = command[command.index("--replSet") + 1]
    script = mongodb["healthcheck"]["test"][-1]
    assert f"_id: '{replica_set}'" in script
    assert "catch" in script, "rs.initiate only when rs.status() says there is no replica set"
    assert "isWritablePrimary" in script
    for worker in _workers().values():
        assert f"replicaSet={replica_set}" in str(_settings(worker).mongodb_uri)


def test_the_workers_wait_for_healthy_dependencies() -> None:
    for worker in _workers().values():
        conditions = {name: rule["condition"] for name, rule in worker["depends_on"].items()}

        assert conditions == dict.fromkeys(("rabbitmq", "mongodb", "sandbox"), "service_healthy")


def test_the_workers_settings_are_valid_and_point_at_the_services() -> None:
    sandbox = build_parser()[0].parse_args(_services()["sandbox"]["command"])

    for worker in _workers().values():
        settings = _settings(worker)

        assert settings.http_host == ALL_INTERFACES
        assert worker["ports"][0].endswith(f":{settings.http_port}")
        assert f":{settings.http_port}/healthz" in worker["healthcheck"]["test"][3]
        assert urlsplit(str(settings.amqp_url)).hostname == "rabbitmq"
        assert urlsplit(str(settings.mongodb_uri)).hostname == "mongodb"
        for zoho in (settings.zoho_accounts_url, settings.zoho_api_url):
            assert zoho is not None
            assert (zoho.host, zoho.port) == ("sandbox", sandbox.port)
        assert settings.public_url is not None
        assert settings.public_url.port == 8080


def test_the_first_worker_serves_the_console_on_8080_and_the_second_scales() -> None:
    workers = _workers()

    assert workers["worker-1"]["ports"] == ["127.0.0.1:8080:8080"]
    assert workers["worker-2"]["ports"] == ["127.0.0.1::8080"], "a free host port per replica"


def test_the_sandbox_listens_where_its_health_check_asks() -> None:
    service = _services()["sandbox"]
    sandbox = build_parser()[0].parse_args(service["command"])

    assert sandbox.host == ALL_INTERFACES
    assert f"127.0.0.1:{sandbox.port}/" in service["healthcheck"]["test"][3]


def test_the_admin_token_and_secret_key_come_from_the_env_file() -> None:
    for worker in _workers().values():
        environment = worker["environment"]

        for name in TEST_ENV_FILE:
            assert environment[name].startswith(f"${{{name}:?"), "required, never a default"


def test_a_stopped_worker_gets_longer_than_its_shutdown_grace() -> None:
    for worker in _workers().values():
        grace = _settings(worker).shutdown_grace

        assert _seconds(worker["stop_grace_period"]) > grace
