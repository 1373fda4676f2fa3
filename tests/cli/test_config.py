"""Settings: defaults from SPEC §9, and bad values named by their variable, never echoed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from worker.cli import main
from worker.config import ConfigError, load_settings, require_for_run

SECRETISH = "not-a-fernet-key-but-maybe-a-password"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ZBSYNC_* from the machine, and no .env file from the checkout."""
    for name in list(os.environ):
        if name.startswith("ZBSYNC_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_follow_the_spec() -> None:
    settings = load_settings()

    assert str(settings.amqp_url) == "amqp://guest:guest@127.0.0.1:5672/"
    assert str(settings.mongodb_uri) == "mongodb://127.0.0.1:27017/zbsync"
    assert settings.zoho_data_center == "com"
    assert settings.zoho_requests_per_minute == 90
    assert settings.zoho_max_concurrency == 5
    assert (settings.exchange, settings.queue, settings.dead_letter_queue) == (
        "shop.orders",
        "zoho-books.orders",
        "zoho-books.orders.dead",
    )
    assert settings.auto_sync is True
    assert settings.reconcile_interval == 600
    assert settings.lookback_days == 30
    assert settings.list_lag_wait == 30
    assert settings.reference_template == "ORD-{id}"
    assert (settings.discount_label, settings.shipping_label) == ("Discount", "Shipping")
    assert settings.total_tolerance == 5
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.shutdown_grace == 10
    assert settings.zoho_invoice_unique_field is None


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZBSYNC_ZOHO_DATA_CENTER", "eu")
    monkeypatch.setenv("ZBSYNC_AUTO_SYNC", "false")
    monkeypatch.setenv("ZBSYNC_TIMEZONE", "Europe/Rome")
    monkeypatch.setenv("ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD", "cf_order_ref")

    settings = load_settings()

    assert settings.zoho_data_center == "eu"
    assert settings.auto_sync is False
    assert settings.timezone == "Europe/Rome"
    assert settings.zoho_invoice_unique_field == "cf_order_ref"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ZBSYNC_ZOHO_DATA_CENTER", "mars"),
        ("ZBSYNC_ZOHO_REQUESTS_PER_MINUTE", "500"),
        ("ZBSYNC_HTTP_PORT", "eighty"),
        ("ZBSYNC_TIMEZONE", "Mars/Olympus_Mons"),
        ("ZBSYNC_REFERENCE_TEMPLATE", "ORD-{customer}"),
        ("ZBSYNC_SECRET_KEY", SECRETISH),
        ("ZBSYNC_AMQP_URL", "http://not-amqp"),
        ("ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD", "Order Reference"),
        ("ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD", "order_ref"),
    ],
)
def test_a_bad_value_is_named_by_its_variable_and_not_echoed(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert f"{variable}:" in str(caught.value)
    assert value not in str(caught.value)


def test_every_bad_variable_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZBSYNC_HTTP_PORT", "-1")
    monkeypatch.setenv("ZBSYNC_LOOKBACK_DAYS", "0")

    with pytest.raises(ConfigError, match="ZBSYNC_HTTP_PORT") as caught:
        load_settings()

    assert "ZBSYNC_LOOKBACK_DAYS" in str(caught.value)


def test_run_requires_admin_token_and_secret_key() -> None:
    with pytest.raises(ConfigError) as caught:
        require_for_run(load_settings())

    assert "ZBSYNC_ADMIN_TOKEN" in str(caught.value)
    assert "ZBSYNC_SECRET_KEY" in str(caught.value)


def test_secret_key_list_encrypts_with_the_first_and_decrypts_with_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_with_old = Fernet(old).encrypt(b"refresh-token")
    monkeypatch.setenv("ZBSYNC_SECRET_KEY", f"{new}, {old}")

    cipher = load_settings().fernet()

    assert cipher.decrypt(sealed_with_old) == b"refresh-token"
    assert Fernet(new).decrypt(cipher.encrypt(b"x")) == b"x"


def test_cli_stops_with_exit_2_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZBSYNC_ZOHO_DATA_CENTER", "mars")

    assert main(["demo"]) == 2

    assert "ZBSYNC_ZOHO_DATA_CENTER" in capsys.readouterr().err
