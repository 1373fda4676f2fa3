"""One Books API request: token, budget, envelope, typed errors, retries only where safe.

A request waits for the organization's budget in its lane, carries
``Authorization: Zoho-oauthtoken …`` and ``organization_id``, and succeeds only
on HTTP 2xx with ``code == 0``. A 401 is retried once with a newer token (the
request was not applied). 429s and failures before the request left are
retried for every method; a timeout, reset or 5xx is retried only for
idempotent requests — for a create it becomes ``OutcomeUnknown``, because the
invoice may exist and only a lookup can tell.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import stamina
import structlog

from ..domain.lanes import Lane
from ..domain.scopes import scope_for_request
from ..metrics import ZOHO_CALL_SECONDS, ZOHO_CALLS
from .errors import (
    DailyLimitReached,
    DuplicateName,
    OutcomeUnknown,
    RateLimited,
    ZohoError,
    ZohoNotAuthorised,
    ZohoNotFound,
    ZohoUnavailable,
    ZohoUnreachable,
    ZohoValidationError,
)
from .jsonio import dumps, loads_object

log = structlog.get_logger(__name__)
JsonObject = dict[str, Any]
BeforeSend = Callable[[], Awaitable[None]]
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})


class Budget(Protocol):
    """What the client needs from the request budget (``worker.zoho.budget.RequestBudget``)."""

    def slot(self, lane: Lane) -> contextlib.AbstractAsyncContextManager[None]:
        """Wait for budget in ``lane``; hold an in-flight slot for the block."""
        ...

    async def note_rate_limited(self, code: int) -> None:
        """Zoho answered 429 with ``code`` anyway."""
        ...


class Tokens(Protocol):
    """What the client needs from the token manager (``worker.zoho.tokens.TokenManager``)."""

    async def access_token(self) -> str:
        """A valid access token."""
        ...

    async def after_unauthorized(self, rejected: str) -> str:
        """A token newer than ``rejected``."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently safe requests are retried."""

    attempts: int = 5
    wait_initial: float = 0.5
    wait_max: float = 30.0
    wait_jitter: float = 1.0
    timeout: float = 120.0


@dataclass(frozen=True)
class Call:
    """One request as the caller describes it."""

    name: str  # request class for metrics and logs, e.g. "invoices.create"
    method: str
    path: str
    lane: Lane
    params: dict[str, str]
    body: JsonObject | None
    idempotent: bool
    before_send: BeforeSend | None = None  # runs in the budget slot, just before each send
    headers: dict[str, str] | None = None  # beyond authorization and content type


class ZohoHttp:
    """Sends Books API requests for one organization."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_base: str | Callable[[], str],
        organization_id: str,
        tokens: Tokens,
        budget: Budget,
        *,
        timeout: aiohttp.ClientTimeout | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._session = session
        self._api_base = api_base if callable(api_base) else lambda: api_base
        self.organization_id = organization_id
        self._tokens = tokens
        self._budget = budget
        self._timeout = timeout or aiohttp.ClientTimeout(total=20, connect=10)
        self._retry = retry or RetryPolicy()

    async def request(
        self,
        name: str,
        method: str,
        path: str,
        *,
        lane: Lane,
        params: dict[str, str] | None = None,
        body: JsonObject | None = None,
        idempotent: bool | None = None,
        with_organization: bool = True,
        before_send: BeforeSend | None = None,
        headers: dict[str, str] | None = None,
    ) -> JsonObject:
        """The response body of a successful call; a ``ZohoError`` otherwise.

        ``before_send`` runs once per attempt, after the token and budget waits, right
        before the request leaves; whatever it raises stops the attempt unsent. ``headers``
        go with it (they cannot replace the authorization).
        """
        query = dict(params or {})
        if with_organization:
            query["organization_id"] = self.organization_id
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        call = Call(name, method, path, lane, query, body, idempotent, before_send, headers)
        policy = self._retry
        async for attempt in stamina.retry_context(
            on=_backoff_hook,
            attempts=policy.attempts,
            timeout=policy.timeout,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        ):
            with attempt:
                return await self._authorized(call)
        raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover

    async def _authorized(self, call: Call) -> JsonObject:
        token = await self._tokens.access_token()
        status, body = await self._send(call, token)
        if status == 401:
            token = await self._tokens.after_unauthorized(token)
            status, body = await self._send(call, token)
        return _interpret(call, status, body)

    async def _send(self, call: Call, token: str) -> tuple[int, JsonObject | None]:
        async with self._budget.slot(call.lane):
            if call.before_send is not None:
                await call.before_send()
            started = time.perf_counter()
            status, body = await self._exchange(call, token)
            seconds = time.perf_counter() - started
            ZOHO_CALL_SECONDS.labels(call.name).observe(seconds)
            if status == 429:  # inside the slot: the budget's hourly probe for 45 depends on it
                await self._budget.note_rate_limited(_code(body) or 44)
        ZOHO_CALLS.labels(call.name, str(status)).inc()
        # The order (and event) it serves comes from the caller's bound log context.
        log.info(
            "zoho call",
            call=call.name,
            status=status,
            code=(body or {}).get("code"),
            ms=round(seconds * 1000),
        )
        return status, body

    async def _exchange(self, call: Call, token: str) -> tuple[int, JsonObject | None]:
        try:
            async with self._session.request(
                call.method,
                self._api_base().rstrip("/") + call.path,
                params=call.params,
                data=None if call.body is None else dumps(call.body),
                headers=_headers(token, call),
                timeout=self._timeout,
            ) as resp:
                return resp.status, loads_object(await resp.text())
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            ZOHO_CALLS.labels(call.name, "unreachable").inc()
            raise ZohoUnreachable(f"Zoho unreachable: {type(exc).__name__}") from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            ZOHO_CALLS.labels(call.name, "no_answer").inc()
            raise _no_answer(call, f"no answer from Zoho: {type(exc).__name__}") from None


def _interpret(call: Call, status: int, body: JsonObject | None) -> JsonObject:
    code = _code(body)
    if 200 <= status < 300 and code == 0 and body is not None:
        return body
    message = str((body or {}).get("message") or f"HTTP {status}")
    raise _error_for(call, status, code, message)


def _error_for(call: Call, status: int, code: int | None, message: str) -> ZohoError:
    details: dict[str, Any] = {"code": code, "http_status": status}
    if status == 429:
        kind = DailyLimitReached if code == 45 else RateLimited
        return kind(message, **details)
    if status >= 500 or code == 1000 or (200 <= status < 300 and code is None):
        return _no_answer(call, message, **details)
    if code == 1002 or status == 404:
        return ZohoNotFound(message, **details)
    if code == 3062:
        return DuplicateName(message, **details)
    if status in (401, 403) or code in (14, 57):
        return ZohoNotAuthorised(
            message, scope=scope_for_request(call.method, call.path), **details
        )
    return ZohoValidationError(message, **details)


def _no_answer(call: Call, message: str, **details: Any) -> ZohoError:
    if call.idempotent:
        return ZohoUnavailable(message, **details)
    return OutcomeUnknown(f"{call.name}: {message}", **details)


def _backoff_hook(exc: Exception) -> bool | float:
    """Retry what is safe to repeat; 429s wait in the budget, so retry them at once."""
    if isinstance(exc, RateLimited):
        return 0.05 if exc.code == 44 else True
    return isinstance(exc, ZohoUnavailable)


def _headers(token: str, call: Call) -> dict[str, str]:
    headers = {**(call.headers or {}), "Authorization": f"Zoho-oauthtoken {token}"}
    if call.body is not None:
        headers["Content-Type"] = "application/json"
    return headers


def _code(body: JsonObject | None) -> int | None:
    try:
        return int(body["code"]) if body is not None and "code" in body else None
    except (TypeError, ValueError):
        return None
