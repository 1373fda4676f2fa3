"""The call log: one record per request to the Zoho endpoints, in arrival order.

Tests and benchmarks read it through ``GET /_sandbox/calls`` to assert what a
client did (how many creates, how many token mints, which faults hit). A record
is appended when the request arrives and completed when the answer leaves, so
requests still in progress show ``status: null``. A dropped connection
(``applied_then_reset``) is recorded with ``status: null`` and its fault.
Control requests (``/_sandbox``) are not recorded.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from aiohttp import web

from .faults import FAULT_APPLIED, ConnectionDroppedError
from .keys import CLOCK

_BODY_RECORDED = (".create", ".update", ".upsert")
# Headers worth asserting on; never Authorization.
_HEADERS_RECORDED = ("X-Unique-Identifier-Key", "X-Unique-Identifier-Value", "X-Upsert")


@dataclass
class CallRecord:
    """What one request asked for and what it got."""

    seq: int
    time: float  # sandbox seconds at arrival
    method: str
    path: str
    query: dict[str, str]  # without organization_id, which has its own field
    request_class: str | None
    organization_id: str | None
    status: int | None = None
    code: int | None = None  # Zoho's code from a Books body
    error: str | None = None  # the "error" of a Zoho Accounts body
    fault: str | None = None
    body: Any = None  # the JSON body of creates, updates and upserts
    headers: dict[str, str] | None = None  # the upsert headers (``_HEADERS_RECORDED``), if sent

    def as_json(self) -> dict[str, Any]:
        """The record as the control API shows it."""
        return asdict(self)


class CallLog:
    """The records, oldest first, and the sequence that numbers them."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self._seq = itertools.count(1)

    def clear(self) -> None:
        """Forget every record; numbering starts again at 1."""
        self.records.clear()
        self._seq = itertools.count(1)

    def start(self, request: web.Request, now: float) -> CallRecord:
        """Append a record for a request that just arrived."""
        query = {k: v for k, v in request.query.items() if k != "organization_id"}
        org_id = request.query.get("organization_id") or request.match_info.get("organization_id")
        record = CallRecord(
            seq=next(self._seq),
            time=now,
            method=request.method,
            path=request.path,
            query=query,
            request_class=request.match_info.route.name,
            organization_id=org_id,
            headers={k: request.headers[k] for k in _HEADERS_RECORDED if k in request.headers}
            or None,
        )
        self.records.append(record)
        return record

    def select(self, request_class: str | None = None, since: int = 0) -> list[CallRecord]:
        """Records after sequence number ``since`` whose class matches the pattern."""
        return [
            r
            for r in self.records
            if r.seq > since
            and (request_class is None or fnmatchcase(r.request_class or "", request_class))
        ]


CALLS = web.AppKey("calls", CallLog)


def setup(app: web.Application) -> None:
    """Register the call log."""
    app[CALLS] = CallLog()


def _is_control(request: web.Request) -> bool:
    name = request.match_info.route.name or ""
    return name.startswith("sandbox.") or request.path.startswith("/_sandbox")


@web.middleware
async def call_log_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Record the request, let it through, and record the answer."""
    if _is_control(request):
        response: web.StreamResponse = await handler(request)
        return response
    record = request.app[CALLS].start(request, request.app[CLOCK].now())
    dropped: web.StreamResponse | None = None
    try:
        response = await handler(request)
    except ConnectionDroppedError:
        response = dropped = web.Response(status=500)  # never sent: the connection goes
    except web.HTTPException as exc:
        await _complete(record, request, exc)
        raise
    except Exception:
        record.status = 500  # aiohttp answers an unexpected error with a plain 500
        raise
    await _complete(record, request, None if dropped else response)
    if dropped is not None and request.transport is not None:
        request.transport.abort()
    return response


async def _complete(
    record: CallRecord, request: web.Request, response: web.StreamResponse | None
) -> None:
    record.fault = request.get(FAULT_APPLIED)
    if (record.request_class or "").endswith(_BODY_RECORDED):
        record.body = await _request_body(request)
    if response is None:
        return
    record.status = response.status
    body = response.body if isinstance(response, web.Response) else None
    if not isinstance(body, bytes) or response.content_type != "application/json":
        return
    try:
        payload = json.loads(body)
    except ValueError:
        return
    if isinstance(payload, dict):
        code, error = payload.get("code"), payload.get("error")
        record.code = code if isinstance(code, int) else None
        record.error = error if isinstance(error, str) else None


async def _request_body(request: web.Request) -> Any:
    """The JSON body, or the ``JSONString`` form field; read after the handler, from its cache."""
    if not request.body_exists:
        return None
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        field = (await request.post()).get("JSONString")
        raw = field.encode() if isinstance(field, str) else b""
    else:
        raw = await request.read()
    try:
        return json.loads(raw, parse_float=Decimal)
    except ValueError:
        return raw.decode("utf-8", "replace")
