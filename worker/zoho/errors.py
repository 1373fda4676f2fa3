"""What can go wrong talking to Zoho, as a small hierarchy callers can catch by family.

    ZohoError                      base: Zoho's ``code`` and ``message``, the HTTP status
    ├── TransientZohoError         try again later; the order stays due
    │   ├── ZohoUnavailable        network error, timeout, HTTP 5xx / code 1000
    │   │   └── ZohoUnreachable    no connection was made: the request surely never left
    │   ├── RateLimited            HTTP 429 code 44 (minute) or 1070 (concurrency)
    │   ├── DailyLimitReached      HTTP 429 code 45, or the local daily budget is spent
    │   ├── TokenUnavailable       a token refresh is in progress, or minting is paused
    │   │   └── MintingDenied      Zoho answered "Access Denied": no minting for 10 minutes
    │   └── OutcomeUnknown         a write was sent and no answer came: look before re-sending
    └── PermanentZohoError         needs a person or a different request
        ├── ZohoValidationError    HTTP 4xx with Zoho's "Invalid value ..." family
        ├── ZohoNotFound           code 1002 / HTTP 404
        ├── ZohoNotAuthorised      code 57 after a refresh, code 14, HTTP 403: scope or org
        ├── DuplicateName          code 3062: a contact with that display name exists
        └── ConnectionBroken       no usable refresh token: automatic writes stop

``retry_at_ms`` on a transient error, when set, is the earliest useful retry
(epoch milliseconds). Messages never contain tokens or secrets.
"""

from __future__ import annotations

from typing import Any


class ZohoError(Exception):
    """Base of every Zoho failure."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        retry_at_ms: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.retry_at_ms = retry_at_ms

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        return " — ".join(parts)


class TransientZohoError(ZohoError):
    """Worth retrying later without changing anything."""


class ZohoUnavailable(TransientZohoError):
    """Zoho could not be reached, timed out, or failed on its side."""


class ZohoUnreachable(ZohoUnavailable):
    """No connection was made (refused, DNS, TLS, connect timeout): nothing was sent."""


class RateLimited(TransientZohoError):
    """Zoho refused for the minute (44) or for concurrency (1070)."""


class DailyLimitReached(TransientZohoError):
    """The organization's daily API budget is spent."""


class TokenUnavailable(TransientZohoError):
    """No access token right now: another replica is refreshing, or minting is paused."""


class MintingDenied(TokenUnavailable):
    """Zoho's accounts server refused to mint ("Access Denied": too many requests)."""


class OutcomeUnknown(TransientZohoError):
    """A write whose result never arrived; it may have been applied."""


class PermanentZohoError(ZohoError):
    """Retrying the same request will not help."""


class ZohoValidationError(PermanentZohoError):
    """Zoho refused the request's content."""


class ZohoNotFound(PermanentZohoError):
    """The resource does not exist (any more)."""


class ZohoNotAuthorised(PermanentZohoError):
    """The token is valid but may not do this (scope, organization, permissions).

    ``scope``: what the refused request needs, when known.
    """

    def __init__(self, message: str, *, scope: str | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.scope = scope


class DuplicateName(PermanentZohoError):
    """A contact with this display name already exists (code 3062)."""


class ConnectionBroken(PermanentZohoError):
    """The Zoho connection has no usable refresh token; a person must reconnect."""


class ConsentRefused(Exception):
    """A consent callback that is not honoured (unknown, replayed or expired ``state``, an
    ``accounts-server`` that is not Zoho's); nothing was sent to Zoho."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
