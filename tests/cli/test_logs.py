"""Logs are JSON lines and never carry a credential, whatever a caller binds."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from worker.logs import REDACTED


def test_credential_fields_are_redacted(json_logs: pytest.CaptureFixture[str]) -> None:
    structlog.get_logger().info(
        "token refreshed",
        access_token="1000.live-access",
        client_secret="shh",
        Authorization="Zoho-oauthtoken 1000.live-access",
        order_id="1001",
    )

    line = json.loads(json_logs.readouterr().err.strip())
    assert line["event"] == "token refreshed"
    assert line["order_id"] == "1001"
    assert line["access_token"] == line["client_secret"] == line["Authorization"] == REDACTED
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")


def test_standard_library_logging_goes_through_the_same_renderer(
    json_logs: pytest.CaptureFixture[str],
) -> None:
    logging.getLogger("aio_pika").warning("connection lost")

    line = json.loads(json_logs.readouterr().err.strip())
    assert line["event"] == "connection lost"
    assert line["level"] == "warning"
