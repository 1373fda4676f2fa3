"""Signing in: the admin token once, then a session cookie that is HttpOnly, SameSite=Strict,
encrypted, and refused for forms without its token or from another origin."""

from __future__ import annotations

import pytest

from tests.console.conftest import ADMIN_TOKEN, Console
from worker.console.session import COOKIE


async def test_a_page_sends_a_signed_out_browser_to_the_sign_in_form(console: Console) -> None:
    page = await console.get("/orders?state=failed")

    assert page.status == 303
    assert page.location == "/sign-in?next=/orders?state%3Dfailed"
    form = await console.get(page.location)
    assert form.status == 200
    assert 'name="next" value="/orders?state=failed"' in form.html


async def test_a_wrong_token_is_refused_and_sets_no_session(console: Console) -> None:
    page = await console.sign_in("not-the-token")

    assert page.status == 401
    assert 'aria-invalid="true"' in page.html
    assert "That is not the admin token." in page.html
    assert console.cookie(COOKIE) is None
    assert (await console.get("/")).status == 303


async def test_the_session_cookie_is_httponly_strict_and_does_not_carry_the_token(
    console: Console,
) -> None:
    async with console.http.post(
        console.base + "/sign-in", data={"token": ADMIN_TOKEN}, allow_redirects=False
    ) as resp:
        assert (resp.status, resp.headers["Location"]) == (303, "/")
        set_cookie = resp.headers["Set-Cookie"]
    assert set_cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=Strict" in set_cookie
    assert "Secure" not in set_cookie  # plain http on loopback
    assert ADMIN_TOKEN not in set_cookie
    assert (await console.get("/")).status == 200


@pytest.mark.parametrize("public_url", ["https://shop-admin.example"])
async def test_behind_https_the_cookie_is_secure(console: Console) -> None:
    async with console.http.post(
        console.base + "/sign-in", data={"token": ADMIN_TOKEN}, allow_redirects=False
    ) as resp:
        assert "Secure" in resp.headers["Set-Cookie"]


async def test_sign_in_goes_back_only_to_a_page_of_the_console(console: Console) -> None:
    for target, expected in [
        ("/orders", "/orders"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ]:
        data = {"token": ADMIN_TOKEN, "next": target}
        page = await console.post("/sign-in", data, csrf=False)
        assert (page.status, page.location) == (303, expected)


async def test_a_form_without_the_session_token_is_refused(console: Console) -> None:
    await console.sign_in()

    without = await console.post("/settings", {"auto_sync": "on"}, csrf=False)
    forged = await console.post("/settings", {"csrf": "forged"}, csrf=False)

    assert (without.status, forged.status) == (403, 403)
    assert (await console.settings.load()).values == {}


async def test_a_form_from_another_origin_is_refused(console: Console) -> None:
    await console.sign_in()
    form = {"csrf": await console.csrf(), "reference_template": "X-{id}"}
    async with console.http.post(
        console.base + "/settings",
        data=form,
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    ) as resp:
        assert resp.status == 403
    async with console.http.post(
        console.base + "/sign-in",
        data={"token": ADMIN_TOKEN},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    ) as resp:
        assert resp.status == 403


async def test_signing_out_ends_the_session(console: Console) -> None:
    await console.sign_in()

    page = await console.post("/sign-out", {})

    assert (page.status, page.location) == (303, "/sign-in")
    assert (await console.get("/")).status == 303


async def test_the_api_still_wants_its_bearer_token_with_a_session(console: Console) -> None:
    await console.sign_in()

    async with console.http.get(console.base + "/api/orders") as resp:
        assert resp.status == 401


async def test_the_consent_landing_page_needs_no_session_and_echoes_nothing(
    console: Console,
) -> None:
    page = await console.get("/connected?error=Call+0800+to+verify+your+account")

    assert page.status == 400  # open: Zoho's cross-site redirect arrives without the cookie
    assert "Connecting failed: connect again." in page.html
    assert "Call 0800" not in page.html  # (the language links keep the query, encoded)
    assert (await console.get("/connected")).status == 200
