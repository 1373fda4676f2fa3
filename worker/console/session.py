"""Signing in to the console: the admin token once, then an encrypted session cookie.

The cookie (``zbsync_session``) is a Fernet token (encrypted and authenticated with a
key derived from ``SECRET_KEY``), HttpOnly, SameSite=Strict, Secure when the console is
served over https, and refused 12 hours after it was last written. It holds a
fingerprint of the admin token (a new token signs everyone out), the CSRF token every
form posts back, and the message for the next page. SameSite=Strict keeps other
sites' requests cookie-less; the form token and the ``Origin`` check refuse the rest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

COOKIE = "zbsync_session"
MAX_AGE = 12 * 3600
CSRF_FIELD = "csrf"
SESSION = web.RequestKey("console_session", dict[str, Any])


def session_key(secret_key: str) -> bytes:
    """The cookie's own Fernet key, derived from ``SECRET_KEY``'s first key (the key that
    encrypts Zoho tokens never encrypts a cookie)."""
    first = secret_key.split(",", maxsplit=1)[0].strip().encode()
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"zbsync console session"
    ).derive(first)
    return base64.urlsafe_b64encode(derived)


class CookieSessions:
    """Reads each request's session from its cookie, writes it back when it changed."""

    def __init__(self, key: bytes, *, secure: bool) -> None:
        self._fernet = Fernet(key)
        self._secure = secure

    def load(self, cookie: str | None) -> dict[str, Any]:
        """The session in ``cookie``; empty when there is none, it was tampered with or is old."""
        if not cookie:
            return {}
        try:
            session = json.loads(self._fernet.decrypt(cookie.encode(), ttl=MAX_AGE))
        except (InvalidToken, ValueError):
            return {}
        return session if isinstance(session, dict) else {}

    def store(self, response: web.StreamResponse, session: dict[str, Any]) -> None:
        """Set (or, for an empty session, clear) the cookie on ``response``."""
        if not session:
            response.del_cookie(COOKIE, path="/")
            return
        value = self._fernet.encrypt(json.dumps(session).encode()).decode()
        response.set_cookie(
            COOKIE, value, max_age=MAX_AGE, path="/", httponly=True, samesite="Strict",
            secure=self._secure,
        )  # fmt: skip

    def middleware(self) -> Middleware:
        """The middleware giving each request ``request[SESSION]``."""

        @web.middleware
        async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
            loaded = self.load(request.cookies.get(COOKIE))
            request[SESSION] = session = dict(loaded)
            response = await handler(request)
            if session != loaded:
                self.store(response, session)
            return response

        return sessions


class Gate:
    """Who is signed in: a session made with the current admin token."""

    def __init__(self, admin_token: str) -> None:
        self._token = admin_token.encode()
        self._fingerprint = hashlib.sha256(b"zbsync console:" + self._token).hexdigest()

    def token_matches(self, given: str) -> bool:
        """``given`` is the admin token (compared in constant time)."""
        return hmac.compare_digest(given.strip().encode(), self._token)

    def sign_in(self, request: web.Request) -> None:
        """A new session (a new CSRF token) for the admin."""
        session = request[SESSION]
        session.clear()
        session.update(admin=self._fingerprint, csrf=secrets.token_urlsafe(32))

    def signed_in(self, request: web.Request) -> bool:
        """The request's session was made with the current admin token."""
        given = str(request[SESSION].get("admin", ""))
        return hmac.compare_digest(given.encode(), self._fingerprint.encode())


GATE = web.AppKey("console_gate", Gate)


def sign_out(request: web.Request) -> None:
    """Forget the session (the cookie is cleared)."""
    request[SESSION].clear()


def csrf_token(request: web.Request) -> str:
    """The token the session's forms carry."""
    return str(request[SESSION].get(CSRF_FIELD, ""))


def same_origin(request: web.Request, public_origin: str | None) -> bool:
    """The request's ``Origin`` (when the browser sent one) is this server or its public URL."""
    origin = request.headers.get("Origin")
    return origin is None or origin in {f"{request.scheme}://{request.host}", public_origin}


async def csrf_ok(request: web.Request, public_origin: str | None) -> bool:
    """A console ``POST`` carries the session's form token and comes from this origin."""
    if not same_origin(request, public_origin):
        return False
    expected = csrf_token(request)
    given = (await request.post()).get(CSRF_FIELD)
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(given, expected)


def flash(request: web.Request, kind: str, text: str) -> None:
    """A message for the next page the admin sees (after a redirect)."""
    request[SESSION]["flash"] = [kind, text]


def take_flash(request: web.Request) -> tuple[str, str] | None:
    """The waiting message, once."""
    message = request[SESSION].pop("flash", None)
    return (str(message[0]), str(message[1])) if message else None
