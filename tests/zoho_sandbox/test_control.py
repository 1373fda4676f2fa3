"""The control API: call log, config, clock, state and reset."""

from __future__ import annotations

import json
from typing import Any

from tests.support.sandbox_client import BooksClient, SandboxClient


async def _calls(client: SandboxClient, **params: str) -> list[dict[str, Any]]:
    resp = await client.request("GET", "/_sandbox/calls", params=params)
    assert resp.status == 200
    return list(resp.body["calls"])


async def test_the_call_log_records_each_request_in_order(
    client: SandboxClient, books: BooksClient
) -> None:
    await books.call("POST", "/contacts", json={"contact_name": "Ada"})
    await books.call("GET", "/contacts", params={"page": "2"})
    await client.request("GET", "/books/v3/contacts")
    await client.control("GET", "/state")
    calls = await _calls(client)
    assert [(c["seq"], c["request_class"], c["status"], c["code"]) for c in calls] == [
        (1, "oauth.token", 200, None),
        (2, "contacts.create", 201, 0),
        (3, "contacts.list", 200, 0),
        (4, "contacts.list", 401, 14),
    ]
    create, listing = calls[1], calls[2]
    assert (create["method"], create["path"]) == ("POST", "/books/v3/contacts")
    assert create["organization_id"] == books.organization_id
    assert create["body"] == {"contact_name": "Ada"}
    assert (listing["query"], listing["body"], listing["fault"]) == ({"page": "2"}, None, None)
    assert calls[0]["time"] <= calls[3]["time"]


async def test_the_call_log_filters_by_class_and_sequence(
    client: SandboxClient, books: BooksClient
) -> None:
    for _ in range(3):
        await books.call("GET", "/settings/taxes")
    assert [c["seq"] for c in await _calls(client, request_class="taxes.*")] == [2, 3, 4]
    assert [c["seq"] for c in await _calls(client, since="3")] == [4]
    bad = await client.request("GET", "/_sandbox/calls", params={"since": "x"})
    assert (bad.status, bad.body["field"]) == (400, "since")


async def test_token_errors_are_logged_with_their_error(client: SandboxClient) -> None:
    await client.refresh("1000.gone.gone")
    [record] = await _calls(client)
    assert (record["status"], record["error"]) == (200, "invalid_code")


async def test_config_changes_at_run_time_and_is_validated(client: SandboxClient) -> None:
    changed = await client.control("PATCH", "/config", {"list_lag": 5, "mint_limit": 3})
    assert (changed.status, changed.body["list_lag"], changed.body["mint_limit"]) == (200, 5, 3)
    assert (await client.control("GET", "/config")).body["mint_limit"] == 3
    too_small = await client.control("PATCH", "/config", {"mint_limit": 0, "list_lag": 9})
    assert (too_small.status, too_small.body["field"]) == (400, "mint_limit")
    unknown = await client.control("PATCH", "/config", {"speed": 3})
    assert (unknown.status, unknown.body["field"]) == (400, "speed")
    not_json = await client.request("PATCH", "/_sandbox/config", data={"a": "b"})
    assert not_json.status == 400
    assert (await client.control("GET", "/config")).body["list_lag"] == 5  # all or nothing


async def test_the_clock_advances_and_rescales(client: SandboxClient) -> None:
    before = (await client.control("POST", "/clock", {})).body["now"]
    moved = await client.control("POST", "/clock", {"advance": 1000, "scale": 60})
    assert moved.body["now"] >= before + 1000
    assert moved.body["scale"] == 60
    assert (await client.control("GET", "/config")).body["time_scale"] == 60
    backwards = await client.control("POST", "/clock", {"advance": -1})
    assert (backwards.status, backwards.body["field"]) == (400, "advance")
    text = await client.control("POST", "/clock", {"scale": "fast"})
    assert (text.status, text.body["field"]) == (400, "scale")


async def test_state_shows_books_counters_tokens_limits_and_config(
    client: SandboxClient, books: BooksClient
) -> None:
    await books.call("GET", "/settings/taxes")
    state = (await client.control("GET", "/state")).body
    assert books.organization_id in state["books"]
    assert state["counters"]["mints"] == 1
    assert [t["live_access_tokens"] for t in state["tokens"]] == [1]
    assert state["limits"][books.organization_id] == {"minute": 1, "day": 1, "in_progress": 0}
    assert state["config"]["requests_per_minute"] == 100
    assert "openapi_validation" in state


async def test_reset_starts_over(client: SandboxClient, books: BooksClient) -> None:
    await books.call("POST", "/contacts", json={"contact_name": "Ada"})
    fault = {"request_class": "taxes.list", "mode": "rejected_500"}
    await client.control("POST", "/faults", fault)
    assert (await client.control("POST", "/reset")).status == 200
    state = (await client.control("GET", "/state")).body
    assert state["books"][books.organization_id]["contacts"] == []
    assert (state["counters"], state["tokens"], state["faults"]) == ({}, [], [])
    assert await _calls(client) == []
    assert (await books.call("GET", "/settings/taxes")).code == 57
    fresh = await client.connect()
    assert (await fresh.call("GET", "/settings/taxes")).code == 0
    assert [c["seq"] for c in await _calls(client)] == [1, 2, 3]


async def test_grant_codes_need_a_known_client(client: SandboxClient) -> None:
    resp = await client.control("POST", "/oauth/code", {"client_id": "1000.NOBODY", "scope": ""})
    assert (resp.status, resp.body["error"]) == (400, "invalid_client")


async def test_the_call_log_reads_bodies_sent_as_a_jsonstring_form_field(
    client: SandboxClient, books: BooksClient
) -> None:
    resp = await client.request(
        "POST",
        "/books/v3/contacts",
        params={"organization_id": books.organization_id},
        data={"JSONString": json.dumps({"contact_name": "Eve"})},
        headers={"Authorization": f"Zoho-oauthtoken {books.access_token}"},
    )
    assert resp.status == 201
    [record] = await _calls(client, request_class="contacts.create")
    assert record["body"] == {"contact_name": "Eve"}
