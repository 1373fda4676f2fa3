"""Logs are JSON lines and never carry a credential, whatever a caller binds."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from worker.logs import REDACTED, configure_logging


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


SECRET = "1000.the-refresh-token"  # a traceback's source lines show the name, not this


def _refresh(refresh_token: str) -> None:
    raise RuntimeError("Zoho accounts did not answer")


@pytest.mark.parametrize("fmt", ["console", "json"])
@pytest.mark.parametrize("library", ["structlog", "logging"])
def test_a_traceback_never_shows_the_values_of_local_variables(
    capsys: pytest.CaptureFixture[str], fmt: str, library: str
) -> None:
    configure_logging(fmt)  # type: ignore[arg-type]
    logger = structlog.get_logger() if library == "structlog" else logging.getLogger("aio_pika")
    try:
        try:
            _refresh(SECRET)
        except RuntimeError:
            logger.exception("token refresh failed")
        err = capsys.readouterr().err
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()

    assert "Zoho accounts did not answer" in err  # the traceback is there
    assert SECRET not in err
