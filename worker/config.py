"""The worker's settings: ``ZBSYNC_*`` environment variables and a ``.env`` file (SPEC §9).

One ``Settings`` object is built at start-up and passed explicitly. A bad value
stops start-up with ``ConfigError``, whose message names the variable and never
repeats the value (it may be a secret).
"""

from __future__ import annotations

import re
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

from .domain.console_settings import reference_template_problem

ENV_PREFIX = "ZBSYNC_"

DataCenter = Literal["com", "eu", "in", "com.au", "jp", "ca", "com.cn", "sa"]


class ConfigError(Exception):
    """Configuration that cannot work; the message names each offending variable."""


def _check_custom_field(api_name: str | None) -> str | None:
    if api_name is None:
        return None
    if re.fullmatch(r"cf_[a-z0-9_]{1,60}", api_name) is None:
        raise ValueError("not a custom field's API name: cf_ then lower-case letters, digits or _")
    return api_name


def _check_timezone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("not an IANA time zone name, e.g. Europe/Rome") from exc
    return name


class Settings(BaseSettings):
    """Everything the worker can be told from outside; docs/configuration.md lists it."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
    )

    amqp_url: AmqpDsn = Field(
        default=AmqpDsn("amqp://guest:guest@127.0.0.1:5672/"),
        description="RabbitMQ, as an AMQP URL.",
    )
    mongodb_uri: MongoDsn = Field(
        default=MongoDsn("mongodb://127.0.0.1:27017/zbsync"),
        description="MongoDB; the path names the database. Durability options in it are "
        "overridden (majority writes with journal, majority reads from the primary).",
    )

    zoho_client_id: str | None = Field(
        default=None, description="The OAuth client id from your data center's API console."
    )
    zoho_client_secret: SecretStr | None = Field(
        default=None, description="That OAuth client's secret."
    )
    zoho_refresh_token: SecretStr | None = Field(
        default=None,
        description="A refresh token, to connect without the browser flow; stored encrypted in "
        "MongoDB at start, and only a new value replaces the stored one (docs/zoho.md).",
    )
    zoho_data_center: DataCenter = Field(
        default="com", description="The Zoho data center your organization lives in."
    )
    zoho_organization_id: str | None = Field(
        default=None,
        description="The Zoho Books organization; unset, orders are stored and wait as pending.",
    )
    zoho_accounts_url: HttpUrl | None = Field(
        default=None,
        description="An accounts origin instead of the data center's (the sandbox, a proxy).",
    )
    zoho_api_url: HttpUrl | None = Field(
        default=None,
        description="An API base, including `/books/v3`, instead of the `api_domain` Zoho "
        "returns with the token (the sandbox, a proxy).",
    )
    zoho_requests_per_minute: int = Field(
        default=90,
        ge=1,
        le=100,
        description="This installation's share of Zoho's 100 requests a minute per "
        "organization, for all replicas together.",
    )
    zoho_daily_limit: int | None = Field(
        default=None,
        ge=1,
        description="The daily request cap; unset: the plan's (from `GET /organizations`), "
        "else 1000.",
    )
    zoho_max_concurrency: int = Field(
        default=5, ge=1, le=10, description="Zoho requests in flight at once, for all replicas."
    )
    zoho_invoice_unique_field: Annotated[str | None, AfterValidator(_check_custom_field)] = Field(
        default=None,
        description="API name (`cf_...`) of an invoice custom field that refuses duplicate "
        "values; when Zoho confirms it, creates become upserts keyed by the reference "
        "(docs/exactly-once.md).",
    )
    zoho_openapi_dir: Path | None = Field(
        default=None,
        description="A folder of Zoho's OpenAPI files the sandbox checks request bodies against, "
        "instead of its shipped request schemas.",
    )

    exchange: str = Field(
        default="shop.orders",
        min_length=1,
        description="The durable topic exchange the shop publishes order events to.",
    )
    queue: str = Field(
        default="zoho-books.orders",
        min_length=1,
        description="The worker's quorum queue, bound to `order.*`; dead letters go through the "
        "exchange `{queue}.dlx`.",
    )
    dead_letter_queue: str = Field(
        default="zoho-books.orders.dead",
        min_length=1,
        description="Where malformed messages end, with the reason in their headers.",
    )

    auto_sync: bool = Field(
        default=True,
        description="Automatic writes to Zoho; off, paid orders wait as pending for a person.",
    )
    settings_refresh: float = Field(
        default=5.0,
        gt=0,
        description="Seconds between a replica's looks at the console settings, to apply a "
        "change made through another replica.",
    )
    reconcile_interval: float = Field(
        default=600.0, gt=0, description="Seconds between reconciler passes."
    )
    lookback_days: int = Field(
        default=30,
        ge=1,
        description="How many days back the reconciler looks for paid orders without an invoice.",
    )
    list_lag_wait: float = Field(
        default=30.0,
        ge=0,
        description="Seconds to wait before looking up an invoice whose create had no answer.",
    )
    order_feed_url: HttpUrl | None = Field(
        default=None,
        description="The shop's paid-orders feed the reconciler asks (docs/operations.md).",
    )
    order_feed_token: SecretStr | None = Field(
        default=None,
        description="Bearer token for the order feed; sent only in the Authorization header.",
    )

    reference_template: str = Field(
        default="ORD-{id}",
        min_length=1,
        max_length=50,
        description="The invoice's reference number; placeholders `{id}` and `{number}`.",
    )
    discount_label: str = Field(
        default="Discount", min_length=1, max_length=60, description="Name of discount lines."
    )
    shipping_label: str = Field(
        default="Shipping", min_length=1, max_length=60, description="Name of the shipping line."
    )
    zero_rate_exemption_id: str | None = Field(
        default=None, description="The Zoho tax exemption put on 0 % lines."
    )
    total_tolerance: int = Field(
        default=5,
        ge=0,
        description="Minor units of difference from the shop's total that a Rounding "
        "adjustment may cover; beyond it the order needs attention.",
    )

    admin_token: SecretStr | None = Field(
        default=None, description="Bearer token of the admin API; required by `zbsync run`."
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Fernet key sealing Zoho tokens in MongoDB, or a comma-separated list: the "
        "first encrypts, all decrypt. Required by `zbsync run`.",
    )
    public_url: HttpUrl | None = Field(
        default=None, description="Public base URL of the admin API, for the OAuth redirect."
    )
    http_host: str = Field(
        default="127.0.0.1", description="Address the admin API and console listen on."
    )
    http_port: int = Field(
        default=8080, ge=0, le=65535, description="Port the admin API and console listen on."
    )
    timezone: Annotated[str | None, AfterValidator(_check_timezone)] = Field(
        default=None,
        description="IANA time zone for invoice dates; unset: the organization's, else UTC.",
    )
    log_format: Literal["json", "console"] = Field(
        default="json", description="JSON lines on stderr, or console lines for people."
    )
    shutdown_grace: float = Field(
        default=10.0, ge=0, description="Seconds to finish in-flight Zoho work on SIGTERM."
    )
    lease_ttl: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a replica holds an order (and a customer) it works on; renewed "
        "while working.",
    )

    @field_validator("reference_template")
    @classmethod
    def _known_placeholders(cls, template: str) -> str:
        problem = reference_template_problem(template)
        if problem is not None:
            raise ValueError(str(problem))
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
