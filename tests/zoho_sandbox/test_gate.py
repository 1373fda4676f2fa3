"""The gate in front of Books calls: the token, its scope and the organization id."""

from __future__ import annotations

import pytest

from tests.support.sandbox_client import BooksClient, SandboxClient
from zoho_sandbox.gate import required_scope, scope_allows

NOT_AUTHORIZED = "You are not authorized to perform this operation"


async def _orgs_with(client: SandboxClient, authorization: str | None) -> tuple[int, int | None]:
    headers = {} if authorization is None else {"Authorization": authorization}
    resp = await client.request("GET", "/books/v3/organizations", headers=headers)
    return resp.status, resp.code


async def test_a_good_token_lists_organizations_without_organization_id(
    books: BooksClient,
) -> None:
    resp = await books.call("GET", "/organizations", with_org=False)
    assert (resp.status, resp.code) == (200, 0)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Zoho-oauthtoken", "Zoho-oauthtoken   ", "Basic abc", "1000.abc.def"],
)
async def test_missing_or_malformed_authorization_is_401_code_14(
    client: SandboxClient, authorization: str | None
) -> None:
    assert await _orgs_with(client, authorization) == (401, 14)


async def test_unknown_token_is_401_code_57(client: SandboxClient) -> None:
    resp = await client.request(
        "GET", "/books/v3/organizations", headers={"Authorization": "Zoho-oauthtoken 1000.x.y"}
    )
    assert (resp.status, resp.code, resp.body["message"]) == (401, 57, NOT_AUTHORIZED)


async def test_token_in_the_query_string_is_not_accepted(
    client: SandboxClient, books: BooksClient
) -> None:
    resp = await client.request(
        "GET", "/books/v3/organizations", params={"authtoken": books.access_token}
    )
    assert (resp.status, resp.code) == (401, 14)


async def test_a_token_without_the_scope_is_401_code_57(client: SandboxClient) -> None:
    contacts_only = await client.connect("ZohoBooks.contacts.READ")
    assert (await contacts_only.call("GET", "/organizations")).code == 57
    assert (await contacts_only.call("GET", "/settings/taxes")).code == 57
    assert (await contacts_only.call("GET", "/contacts")).code == 0


async def test_fullaccess_and_module_all_scopes_cover_everything_they_name(
    client: SandboxClient,
) -> None:
    full = await client.connect("ZohoBooks.fullaccess.all")
    settings = await client.connect("ZohoBooks.settings.ALL")
    assert (await full.call("GET", "/contacts")).code == 0
    assert (await settings.call("GET", "/settings/taxes")).code == 0
    assert (await settings.call("GET", "/contacts")).code == 57


def test_required_scopes_follow_zohos_openapi_files() -> None:
    assert required_scope("invoices.create", "POST") == "ZohoBooks.invoices.CREATE"
    assert required_scope("invoices.status", "POST") == "ZohoBooks.invoices.CREATE"
    assert required_scope("contacts.update", "PUT") == "ZohoBooks.contacts.UPDATE"
    assert required_scope("invoices.delete", "DELETE") == "ZohoBooks.invoices.DELETE"
    assert required_scope("taxes.list", "GET") == "ZohoBooks.settings.READ"
    assert required_scope("organizations.get", "GET") == "ZohoBooks.settings.READ"
    assert scope_allows(("zohobooks.invoices.all",), "ZohoBooks.invoices.CREATE")
    assert not scope_allows(("ZohoBooks.invoices.READ",), "ZohoBooks.invoices.CREATE")


async def test_missing_organization_id_is_refused(books: BooksClient) -> None:
    resp = await books.call("GET", "/settings/taxes", with_org=False)
    assert (resp.status, resp.code) == (400, 6041)
    assert resp.body["message"] == "Invalid value passed for organization_id"


async def test_unknown_organization_id_is_refused(books: BooksClient) -> None:
    resp = await books.call("GET", "/contacts", params={"organization_id": "999"})
    assert (resp.status, resp.code) == (400, 6041)


async def test_invalid_organization_code_is_configurable(
    client: SandboxClient, books: BooksClient
) -> None:
    await client.control("PATCH", "/config", {"invalid_organization_code": 2})
    resp = await books.call("GET", "/contacts", params={"organization_id": "999"})
    assert (resp.status, resp.code) == (400, 2)


async def test_organization_get_takes_the_id_from_its_path(books: BooksClient) -> None:
    resp = await books.call("GET", f"/organizations/{books.organization_id}", with_org=False)
    assert (resp.status, resp.code) == (200, 0)


async def test_auth_is_checked_before_the_organization(client: SandboxClient) -> None:
    resp = await client.request("GET", "/books/v3/contacts", params={"organization_id": "999"})
    assert (resp.status, resp.code) == (401, 14)
