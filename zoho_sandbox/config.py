"""What the sandbox is told at start: limits, windows, seed data, quirks.

Every limit Zoho enforces, every window it measures and every error code the
API notes mark UNVERIFIED is a field here, so tests and benchmarks can set them.
Most fields can be changed at run time through ``PATCH /_sandbox/config``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PLAN_DAILY_LIMITS = {
    "FREE": 1000,
    "STANDARD": 2000,
    "PROFESSIONAL": 5000,
    "PREMIUM": 10000,
    "ELITE": 10000,
    "ULTIMATE": 10000,
}


class OAuthClient(BaseModel):
    """A client registered in Zoho's API console."""

    model_config = ConfigDict(frozen=True)

    client_id: str = "1000.SANDBOXCLIENT"
    client_secret: str = "sandbox-client-secret"  # noqa: S105 - a fixed fake for the emulator
    # An empty list accepts any redirect URI (handy for local demos).
    redirect_uris: tuple[str, ...] = ()


FaultMode = Literal[
    "applied_then_500",
    "applied_then_reset",
    "applied_then_latency",
    "rejected_500",
    "latency",
    "rate_limit_storm",
]


class FaultRule(BaseModel):
    """An injected failure for a request class (an ``fnmatch`` pattern: ``invoices.*``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    request_class: str
    mode: FaultMode
    times: int | None = Field(default=None, ge=1)  # None: until removed
    seconds: float = Field(default=0.0, ge=0)  # sandbox seconds, for the latency modes


class InvoiceCustomField(BaseModel):
    """A custom field on the organization's invoices, as a person adds it in Zoho's settings.

    ``unique`` is Zoho's "do not allow duplicate values": a second invoice with the same
    value is refused, and ``PUT /invoices`` can upsert by it (``X-Unique-Identifier-Key``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_name: str = Field(pattern=r"^cf_[a-z0-9_]{1,50}$")
    label: str = ""  # empty: made from the api name ("cf_order_ref" -> "Order Ref")
    unique: bool = False


class SandboxConfig(BaseModel):
    """The sandbox's settings; windows are in sandbox seconds (see ``SandboxClock``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # Time: sandbox seconds per real second. 60 makes a Zoho minute last one real second.
    time_scale: float = Field(default=1.0, gt=0)

    # Books API limits, per organization.
    requests_per_minute: int = Field(default=100, ge=1)
    minute_window: float = Field(default=60.0, gt=0)
    daily_limit: int | None = Field(default=None, ge=1)  # None: the plan's (PLAN_DAILY_LIMITS)
    day_window: float = Field(default=86400.0, gt=0)
    max_concurrency: int | None = Field(default=None, ge=1)  # None: 5 on FREE, 10 on paid plans

    # Zoho Accounts limits.
    access_token_ttl: int = Field(default=3600, ge=1)
    mint_limit: int = Field(default=10, ge=1)  # access tokens per refresh token per mint window
    mint_window: float = Field(default=600.0, gt=0)
    live_tokens_per_refresh_token: int = Field(default=15, ge=1)
    refresh_tokens_per_user: int = Field(default=20, ge=1)
    grant_code_ttl: float = Field(default=120.0, gt=0)
    grant_codes_per_window: int = Field(default=10, ge=1)
    access_denied_status: int = 400  # one report says 400; clients must also handle a 200
    clients: tuple[OAuthClient, ...] = (OAuthClient(),)

    # Seeded organization.
    organization_id: str = "20061234567"
    organization_name: str = "Sandbox Shop S.r.l."
    base_currency: str = "EUR"
    time_zone: str = "Europe/Rome"
    plan_name: str = "FREE"
    invoice_custom_fields: tuple[InvoiceCustomField, ...] = ()

    # Behaviour the API notes leave open.
    list_lag: float = Field(default=0.0, ge=0)  # seconds before a new or changed invoice is listed
    tax_rounding: Literal["line", "total"] = "line"
    # How plain list filters (``email=``, ``contact_name=``, ...) compare; the _startswith and
    # _contains forms always ignore case.
    plain_filter_match: Literal["ignore_case", "exact"] = "ignore_case"
    invoice_not_found_status: int = 404
    duplicate_invoice_number_code: int = 1001
    delete_blocked_code: int = 1040
    currency_mismatch_code: int = 2
    invalid_organization_code: int = 6041
    duplicate_custom_field_code: int = 1001  # a value already taken in a unique custom field

    # Injected failures in force at start (the control API adds and removes them at run time).
    faults: tuple[FaultRule, ...] = ()

    # Request-body validation against Zoho's request schemas: by default the file shipped in
    # the package (None); a folder of Zoho's OpenAPI files overrides it (None:
    # $ZBSYNC_ZOHO_OPENAPI_DIR, if set). Without either, validation is off unless required.
    request_schemas_file: Path | None = None
    openapi_dir: Path | None = None
    require_openapi: bool = Field(default_factory=lambda: os.environ.get("CI") == "true")

    @field_validator("invoice_custom_fields")
    @classmethod
    def _distinct_api_names(
        cls, fields: tuple[InvoiceCustomField, ...]
    ) -> tuple[InvoiceCustomField, ...]:
        names = [field.api_name for field in fields]
        if len(set(names)) != len(names):
            raise ValueError("two invoice custom fields share an api_name")
        return fields

    def effective_daily_limit(self) -> int:
        """The daily cap in force: the explicit one, else the plan's."""
        if self.daily_limit is not None:
            return self.daily_limit
        return PLAN_DAILY_LIMITS.get(self.plan_name.upper(), 1000)

    def effective_max_concurrency(self) -> int:
        """Requests in progress at once: explicit, else 5 on the Free plan and 10 on paid ones."""
        if self.max_concurrency is not None:
            return self.max_concurrency
        return 5 if self.plan_name.upper() == "FREE" else 10

    def openapi_override(self) -> Path | None:
        """The folder of Zoho's OpenAPI files to validate against instead of the shipped file."""
        if self.openapi_dir is not None:
            return self.openapi_dir
        from_env = os.environ.get("ZBSYNC_ZOHO_OPENAPI_DIR")
        return Path(from_env) if from_env else None
