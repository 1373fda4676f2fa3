"""A session lives only as long as its admin token and its key."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from cryptography.fernet import Fernet

from worker.console.session import SESSION, CookieSessions, Gate, session_key


def _request(session: dict[str, object]) -> web.Request:
    request = make_mocked_request("GET", "/")
    request[SESSION] = session
    return request


def test_a_new_admin_token_signs_everyone_out() -> None:
    session: dict[str, object] = {}
    Gate("old-token").sign_in(_request(session))

    assert Gate("old-token").signed_in(_request(dict(session)))
    assert not Gate("new-token").signed_in(_request(dict(session)))


def test_a_cookie_from_another_key_or_tampered_with_is_no_session() -> None:
    key = session_key(Fernet.generate_key().decode())
    sessions = CookieSessions(key, secure=False)
    response = web.Response()
    sessions.store(response, {"admin": "x", "csrf": "y"})
    cookie = response.cookies["zbsync_session"].value

    assert sessions.load(cookie) == {"admin": "x", "csrf": "y"}
    other = CookieSessions(session_key(Fernet.generate_key().decode()), secure=False)
    assert other.load(cookie) == {}
    assert sessions.load(cookie[:-4] + "AAAA") == {}
    assert sessions.load("not a cookie") == {}


def test_the_cookie_key_is_not_the_token_key() -> None:
    secret = Fernet.generate_key().decode()
    assert session_key(secret) != secret.encode()
    assert session_key(f"{secret},{Fernet.generate_key().decode()}") == session_key(secret)
