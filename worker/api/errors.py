"""Every error the API answers, as ``{"error": {"code", "message"}}`` (SPEC §7).

``ApiError`` is raised by handlers (400 bad input naming the field, 409 ...); the
middleware also turns the sync's ``UnknownOrder`` into 404, ``NotAllowed`` into
409, and aiohttp's own answers (unknown route, wrong method) and any other failure (500,
logged) into the same shape.
"""

from __future__ import annotations

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from ..config import ConfigError
from ..sync.manual import NotAllowed, UnknownOrder
from ..zoho.errors import ConsentRefused, TransientZohoError, ZohoError

log = structlog.get_logger(__name__)


class ApiError(Exception):
    """An error answer: HTTP status, a stable code and a message for people."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def bad_input(field: str, message: str) -> ApiError:
    """400, naming the field that is wrong."""
    return ApiError(400, "bad_input", f"{field}: {message}", field)


def error_response(status: int, code: str, message: str) -> web.Response:
    """The JSON error body every failure answers with."""
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure of a handler into the JSON error shape."""
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message)
    except (UnknownOrder, NotAllowed, ConsentRefused, ZohoError, ConfigError) as exc:
        return error_response(*_known(exc))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
    except Exception:  # a bug or a store outage: logged, answered in the same shape
        log.exception("admin api request failed", path=request.path)
        return error_response(500, "internal", "the request failed; the worker's log says why")


def _known(exc: Exception) -> tuple[int, str, str]:
    """Status, code and message of a known failure; a refused consent is the caller's 400,
    Zoho refusing is 502, Zoho unreachable 503."""
    if isinstance(exc, UnknownOrder):
        return 404, "unknown_order", f"no order {exc}"
    if isinstance(exc, NotAllowed):
        return 409, "not_allowed", str(exc)
    if isinstance(exc, ConsentRefused):
        return 400, exc.code, str(exc)
    if isinstance(exc, ConfigError):
        return 409, "not_configured", str(exc)
    if isinstance(exc, TransientZohoError):
        return 503, "zoho_unavailable", str(exc)
    return 502, "zoho_refused", str(exc)
