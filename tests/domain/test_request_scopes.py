"""Which scope each Books request the worker makes needs (as Zoho's OpenAPI files say), and the
reason an order shows when Zoho refuses one."""

from __future__ import annotations

import pytest

from worker.domain.scopes import REQUIRED_SCOPES, refused_reason, scope_for_request


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/contacts", "ZohoBooks.contacts.CREATE"),
        ("PUT", "/contacts/1", "ZohoBooks.contacts.UPDATE"),
        ("GET", "/contacts", "ZohoBooks.contacts.READ"),
        ("POST", "/invoices", "ZohoBooks.invoices.CREATE"),
        ("PUT", "/invoices", "ZohoBooks.invoices.UPDATE"),  # the upsert
        ("DELETE", "/invoices/9", "ZohoBooks.invoices.DELETE"),
        ("POST", "/invoices/9/status/sent", "ZohoBooks.invoices.CREATE"),
        ("GET", "/settings/taxes", "ZohoBooks.settings.READ"),
        ("GET", "/settings/fields", "ZohoBooks.settings.READ"),
        ("GET", "/organizations/20061234567", "ZohoBooks.settings.READ"),
        ("GET", "/items", None),
        ("PATCH", "/invoices/9", None),
    ],
)
def test_each_request_names_the_scope_zoho_checks(
    method: str, path: str, scope: str | None
) -> None:
    assert scope_for_request(method, path) == scope


def test_every_scope_the_worker_requests_is_one_it_asks_for() -> None:
    used = {"POST", "PUT", "GET", "DELETE"}
    for module in ("contacts", "invoices"):
        for method in used - ({"DELETE"} if module == "contacts" else set()):
            assert scope_for_request(method, f"/{module}") in REQUIRED_SCOPES
    assert scope_for_request("GET", "/settings/currencies") in REQUIRED_SCOPES


def test_a_refusal_tells_the_admin_what_to_grant() -> None:
    reason = refused_reason("not authorized — code 57 — HTTP 401", "ZohoBooks.invoices.DELETE")

    assert reason.startswith("Zoho refused the operation (not authorized — code 57 — HTTP 401)")
    assert "the token lacks ZohoBooks.invoices.DELETE" in reason
    assert f"granting {','.join(REQUIRED_SCOPES)}" in reason
    assert "the token lacks a scope" in refused_reason("code 57", None)
