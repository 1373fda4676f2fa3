"""Injected faults: each mode, their counts, and where they apply."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.support.sandbox_client import BooksClient, SandboxClient
from zoho_sandbox import FaultRule, SandboxConfig, serving


async def _fault(client: SandboxClient, **rule: Any) -> dict[str, Any]:
    resp = await client.control("POST", "/faults", rule)
    assert resp.status == 201, resp.body
    return dict(resp.body["fault"])


async def _contact_names(books: BooksClient) -> list[str]:
    resp = await books.call("GET", "/contacts")
    return [c["contact_name"] for c in resp.body["contacts"]]


async def _calls(client: SandboxClient, request_class: str) -> list[dict[str, Any]]:
    resp = await client.request("GET", "/_sandbox/calls", params={"request_class": request_class})
    return list(resp.body["calls"])


async def test_rejected_500_does_not_run_the_handler(
    client: SandboxClient, books: BooksClient
) -> None:
    await _fault(client, request_class="contacts.create", mode="rejected_500", times=1)
    resp = await books.call("POST", "/contacts", json={"contact_name": "Ada"})
    assert (resp.status, resp.code, resp.body["message"]) == (500, 1000, "Internal error")
    assert await _contact_names(books) == []


async def test_applied_then_500_keeps_the_effect(client: SandboxClient, books: BooksClient) -> None:
    await _fault(client, request_class="contacts.create", mode="applied_then_500", times=1)
    resp = await books.call("POST", "/contacts", json={"contact_name": "Ada"})
    assert (resp.status, resp.code) == (500, 1000)
    assert await _contact_names(books) == ["Ada"]
    again = await books.call("POST", "/contacts", json={"contact_name": "Bob"})
    assert again.status == 201


async def test_applied_then_reset_drops_the_connection_after_the_effect(
    client: SandboxClient, books: BooksClient
) -> None:
    await _fault(client, request_class="contacts.create", mode="applied_then_reset", times=1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await books.call("POST", "/contacts", json={"contact_name": "Ada"})
    assert await _contact_names(books) == ["Ada"]
    [record] = await _calls(client, "contacts.create")
    assert (record["status"], record["fault"]) == (None, "applied_then_reset")
    assert record["body"] == {"contact_name": "Ada"}


async def test_rate_limit_storm_answers_429_code_44_without_running(
    client: SandboxClient, books: BooksClient
) -> None:
    await _fault(client, request_class="contacts.*", mode="rate_limit_storm", times=2)
    first = await books.call("POST", "/contacts", json={"contact_name": "Ada"})
    second = await books.call("GET", "/contacts")
    assert [(r.status, r.code) for r in (first, second)] == [(429, 44)] * 2
    assert await _contact_names(books) == []
    state = (await client.control("GET", "/state")).body
    assert state["counters"]["429.44"] == 2
    assert state["counters"]["fault.rate_limit_storm"] == 2
    assert state["faults"] == []


async def test_latency_holds_the_request_until_sandbox_time_has_passed(
    client: SandboxClient, books: BooksClient
) -> None:
    await _fault(client, request_class="taxes.list", mode="latency", seconds=3600, times=1)
    call = asyncio.ensure_future(books.call("GET", "/settings/taxes"))
    await _until_no_faults_left(client)  # the rule is used up: the request is waiting
    assert not call.done()
    await client.control("POST", "/clock", {"advance": 3600})
    resp = await call
    assert (resp.status, resp.code) == (200, 0)
    [record] = await _calls(client, "taxes.list")
    assert (record["status"], record["fault"]) == (200, "latency")


async def test_applied_then_latency_makes_the_change_and_holds_the_answer(
    client: SandboxClient, books: BooksClient
) -> None:
    await _fault(client, request_class="contacts.create", mode="applied_then_latency", seconds=60)
    call = asyncio.ensure_future(books.call("POST", "/contacts", json={"contact_name": "Held"}))

    async def created() -> bool:
        listed = await books.call("GET", "/contacts", params={"contact_name": "Held"})
        return len(listed.body["contacts"]) == 1

    for _ in range(1000):  # the change is visible while its answer is still held
        if await created():
            break
    else:
        raise AssertionError("the held create never made its change")
    assert not call.done()
    await client.control("POST", "/clock", {"advance": 60})
    resp = await call
    assert (resp.status, resp.code) == (201, 0)
    [record] = await _calls(client, "contacts.create")
    assert (record["status"], record["fault"]) == (201, "applied_then_latency")


async def _until_no_faults_left(client: SandboxClient) -> None:
    for _ in range(1000):
        if not (await client.control("GET", "/faults")).body["faults"]:
            return
    raise AssertionError("the fault was never taken")


async def test_a_rule_without_times_stays_until_removed(
    client: SandboxClient, books: BooksClient
) -> None:
    fault = await _fault(client, request_class="taxes.list", mode="rejected_500")
    assert [(await books.call("GET", "/settings/taxes")).code for _ in range(3)] == [1000] * 3
    listed = (await client.control("GET", "/faults")).body["faults"]
    assert [(f["id"], f["hits"], f["remaining"]) for f in listed] == [(fault["id"], 3, None)]
    assert (await client.control("DELETE", f"/faults/{fault['id']}")).status == 200
    assert (await books.call("GET", "/settings/taxes")).code == 0
    assert (await client.control("DELETE", f"/faults/{fault['id']}")).status == 404


async def test_faults_apply_to_the_token_endpoint(
    client: SandboxClient, books: BooksClient
) -> None:
    await _fault(client, request_class="oauth.token", mode="rejected_500", times=1)
    failed = await client.refresh(books.refresh_token)
    assert (failed.status, failed.code) == (500, 1000)
    assert "access_token" in (await client.refresh(books.refresh_token)).body


async def test_delete_removes_every_rule(client: SandboxClient, books: BooksClient) -> None:
    await _fault(client, request_class="*", mode="rejected_500")
    await _fault(client, request_class="taxes.list", mode="rate_limit_storm")
    assert (await client.control("DELETE", "/faults")).body == {"faults": []}
    assert (await books.call("GET", "/settings/taxes")).code == 0


async def test_bad_rules_are_refused_naming_the_field(client: SandboxClient) -> None:
    resp = await client.control("POST", "/faults", {"request_class": "x", "mode": "explode"})
    assert (resp.status, resp.body["field"]) == (400, "mode")
    resp = await client.control(
        "POST", "/faults", {"request_class": "x", "mode": "latency", "times": 0}
    )
    assert (resp.status, resp.body["field"]) == (400, "times")


async def test_rules_configured_at_start_are_in_force() -> None:
    rule = FaultRule(request_class="oauth.token", mode="rejected_500", times=1)
    async with serving(SandboxConfig(faults=(rule,))) as running, aiohttp.ClientSession() as s:
        url = running.origin + "/oauth/v2/token"
        async with s.post(url, data={"grant_type": "refresh_token"}) as first:
            assert first.status == 500
        async with s.post(url, data={"grant_type": "refresh_token"}) as second:
            assert (second.status, await second.json()) == (200, {"error": "invalid_client"})


async def test_rules_can_be_replaced_through_the_config(
    client: SandboxClient, books: BooksClient
) -> None:
    rules = [{"request_class": "taxes.list", "mode": "rejected_500", "times": 1}]
    assert (await client.control("PATCH", "/config", {"faults": rules})).status == 200
    assert (await books.call("GET", "/settings/taxes")).code == 1000
    assert (await books.call("GET", "/settings/taxes")).code == 0
