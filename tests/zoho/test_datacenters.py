"""Each data center's URLs, the token's api_domain and the overrides."""

from __future__ import annotations

import pytest

from worker.zoho.datacenters import DATA_CENTERS, is_zoho_host, resolve_endpoints

EXPECTED = {
    "com": ("https://accounts.zoho.com", "https://www.zohoapis.com/books/v3"),
    "eu": ("https://accounts.zoho.eu", "https://www.zohoapis.eu/books/v3"),
    "in": ("https://accounts.zoho.in", "https://www.zohoapis.in/books/v3"),
    "com.au": ("https://accounts.zoho.com.au", "https://www.zohoapis.com.au/books/v3"),
    "jp": ("https://accounts.zoho.jp", "https://www.zohoapis.jp/books/v3"),
    "ca": ("https://accounts.zohocloud.ca", "https://www.zohoapis.ca/books/v3"),
    "com.cn": ("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn/books/v3"),
    "sa": ("https://accounts.zoho.sa", "https://www.zohoapis.sa/books/v3"),
}


def test_the_eight_books_data_centers_are_known() -> None:
    assert set(DATA_CENTERS) == set(EXPECTED)


@pytest.mark.parametrize(("dc", "urls"), EXPECTED.items())
def test_each_data_center_has_its_accounts_server_and_api_base(
    dc: str, urls: tuple[str, str]
) -> None:
    endpoints = resolve_endpoints(dc)

    assert (endpoints.accounts_origin, endpoints.api_base) == urls
    assert endpoints.token_url == urls[0] + "/oauth/v2/token"


def test_api_domain_from_the_token_response_is_honoured() -> None:
    endpoints = resolve_endpoints("com", api_domain="https://www.zohoapis.eu")

    assert endpoints.api_base == "https://www.zohoapis.eu/books/v3"


@pytest.mark.parametrize(
    "api_domain",
    ["http://www.zohoapis.com", "https://evil.example", "https://zohoapis.com.evil.io"],
)
def test_an_api_domain_outside_zoho_is_never_sent_credentials(api_domain: str) -> None:
    assert resolve_endpoints("com", api_domain=api_domain).api_base == (
        "https://www.zohoapis.com/books/v3"
    )


def test_overrides_win_over_api_domain_and_the_table() -> None:
    endpoints = resolve_endpoints(
        "eu",
        api_domain="https://www.zohoapis.eu",
        accounts_override="http://127.0.0.1:8090/",
        api_override="http://127.0.0.1:8090/books/v3/",
    )

    assert endpoints.accounts_origin == "http://127.0.0.1:8090"
    assert endpoints.api_base == "http://127.0.0.1:8090/books/v3"


@pytest.mark.parametrize(
    ("url", "zoho"),
    [
        ("https://accounts.zoho.com", True),
        ("https://accounts.zohocloud.ca", True),
        ("https://www.zohoapis.com.au", True),
        ("https://accounts.zoho.com.evil.io", False),
        ("https://notzoho.com", False),
    ],
)
def test_zoho_hosts_are_recognised_exactly(url: str, zoho: bool) -> None:
    assert is_zoho_host(url) is zoho
