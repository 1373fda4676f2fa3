"""The worker's settings: ``ZBSYNC_*`` environment variables and a ``.env`` file (SPEC §9).

One ``Settings`` object is built at start-up and passed explicitly. A bad value
stops start-up with ``ConfigError``, whose message names the variable and never
repeats the value (it may be a secret).
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet, MultiFernet
from pydantic import (
    AfterValidator,
    AmqpDsn,
    Field,
    HttpUrl,
    MongoDsn,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "ZBSYNC_"

DataCenter = Literal["com", "eu", "in", "com.au", "jp", "ca", "com.cn", "sa"]
REFERENCE_FIELDS = frozenset({"id", "number"})


class ConfigError(Exception):
    """Configuration that cannot work; the message names each offending variable."""


def _check_timezone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("not an IANA time zone name, e.g. Europe/Rome") from exc
    return name


class Settings(BaseSettings):
    """Everything the worker can be told from outside; see the README for each variable."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
    )

    amqp_url: AmqpDsn = AmqpDsn("amqp://guest:guest@127.0.0.1:5672/")
    mongodb_uri: MongoDsn = MongoDsn("mongodb://127.0.0.1:27017/zbsync")

    zoho_client_id: str | None = None
    zoho_client_secret: SecretStr | None = None
    zoho_refresh_token: SecretStr | None = None
    zoho_data_center: DataCenter = "com"
    zoho_organization_id: str | None = None
    zoho_accounts_url: HttpUrl | None = None
    zoho_api_url: HttpUrl | None = None
    zoho_requests_per_minute: int = Field(default=90, ge=1, le=100)
    zoho_daily_limit: int | None = Field(default=None, ge=1)
    zoho_max_concurrency: int = Field(default=5, ge=1, le=10)
    zoho_openapi_dir: Path | None = None

    exchange: str = Field(default="shop.orders", min_length=1)
    queue: str = Field(default="zoho-books.orders", min_length=1)
    dead_letter_queue: str = Field(default="zoho-books.orders.dead", min_length=1)

    auto_sync: bool = True
    reconcile_interval: float = Field(default=600.0, gt=0)
    lookback_days: int = Field(default=30, ge=1)
    list_lag_wait: float = Field(default=30.0, ge=0)
    order_feed_url: HttpUrl | None = None
    order_feed_token: SecretStr | None = None

    reference_template: str = Field(default="ORD-{id}", min_length=1, max_length=50)
    discount_label: str = Field(default="Discount", min_length=1, max_length=60)
    shipping_label: str = Field(default="Shipping", min_length=1, max_length=60)
    zero_rate_exemption_id: str | None = None
    total_tolerance: int = Field(default=5, ge=0)

    admin_token: SecretStr | None = None
    secret_key: SecretStr | None = None
    public_url: HttpUrl | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    timezone: Annotated[str | None, AfterValidator(_check_timezone)] = None
    log_format: Literal["json", "console"] = "json"
    shutdown_grace: float = Field(default=10.0, ge=0)
    lease_ttl: float = Field(default=30.0, gt=0)  # seconds a replica holds an order it works on

    @field_validator("reference_template")
    @classmethod
    def _known_placeholders(cls, template: str) -> str:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        unknown = fields - REFERENCE_FIELDS
        if unknown or "" in fields:
            raise ValueError("only the placeholders {id} and {number} are allowed")
        return template

    @field_validator("secret_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            _fernet_from(value)
        return value

    def fernet(self) -> MultiFernet:
        """The token cipher: the first key encrypts, every key decrypts (key rotation)."""
        if self.secret_key is None:
            raise ConfigError(f"{ENV_PREFIX}SECRET_KEY: not set")
        return _fernet_from(self.secret_key)


def _fernet_from(value: SecretStr) -> MultiFernet:
    keys = [key.strip() for key in value.get_secret_value().split(",") if key.strip()]
    if not keys:
        raise ValueError("needs at least one Fernet key")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ValueError(
            "each key must be a Fernet key (32 url-safe base64-encoded bytes); "
            'make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from exc


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise ``ConfigError`` naming every bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """One line per bad variable, by its environment name, without its value."""
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "?"
        lines.append(f"{ENV_PREFIX}{field.upper()}: {error['msg']}")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def require_for_run(settings: Settings) -> None:
    """``zbsync run`` needs an admin token and a secret key; name whichever is missing."""
    missing = [
        f"{ENV_PREFIX}{name.upper()}: required by 'zbsync run'"
        for name in ("admin_token", "secret_key")
        if getattr(settings, name) is None
    ]
    if missing:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(missing))
