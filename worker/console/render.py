"""Turning a template into the answer: language, CSRF token, flash message, safe headers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..api.auth import SIGNED_IN
from . import language
from .labels import SOURCE_LABELS, STATE_LABELS, audit_line
from .session import csrf_token, take_flash

TEMPLATES = Environment(
    loader=PackageLoader("worker.console", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
HEADERS = {
    # No script runs on these pages; nothing may frame them.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def when(iso: str | None) -> str:
    """An ISO 8601 UTC time as ``2026-11-30 10:15:02 UTC``."""
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M:%S UTC")


TEMPLATES.filters["when"] = when
TEMPLATES.filters["audit_line"] = audit_line


async def render(
    request: web.Request, template: str, title: str, *, status: int = 200, **context: Any
) -> web.Response:
    """The page ``template`` in the request's language; ``title`` is translated."""
    lang = language.choose(request)
    t = language.translator(lang)
    html = TEMPLATES.get_template(template).render(
        lang=lang,
        t=t,
        title=t(title),
        csrf=csrf_token(request),
        flash=take_flash(request),
        signed_in=request.get(SIGNED_IN, False),
        language_links={
            code: str(request.rel_url.update_query(lang=code)) for code in language.LANGUAGES
        },
        state_labels=STATE_LABELS,
        source_labels=SOURCE_LABELS,
        **{"refresh": None, "page": None, **context},
    )
    response = web.Response(text=html, content_type="text/html", status=status, headers=HEADERS)
    if request.query.get("lang") == lang:
        response.set_cookie(
            language.COOKIE, lang, max_age=LANGUAGE_COOKIE_AGE, path="/", httponly=True,
            samesite="Lax", secure=request.secure,
        )  # fmt: skip
    return response


def see_other(location: str) -> web.Response:
    """The answer to a form: go (GET) to ``location`` (returned, not raised, so the session
    middleware can write the cookie on it)."""
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def safe_target(target: str) -> str:
    """Where a form may send the admin: a path of this console, never another site."""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target
