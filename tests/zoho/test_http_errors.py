"""Each error family from a real HTTP exchange with the sandbox, and what is retried."""

from __future__ import annotations

import json
from decimal import Decimal

import aiohttp
import pytest

from tests.support.zoho_fixtures import (
    CREDENTIALS,
    REDIRECT_URI,
    add_fault,
    grant_code,
    sandbox_counter,
    sandbox_state,
)
from worker.clock import SystemClock
from worker.domain.connection import StoredConnection
from worker.domain.lanes import Lane
from worker.store.connection import ConnectionRepository
from worker.zoho.books import ZohoBooks
from worker.zoho.budget import RequestBudget
from worker.zoho.connect import store_refresh_token
from worker.zoho.errors import (
    DailyLimitReached,
    OutcomeUnknown,
    RateLimited,
    ZohoNotAuthorised,
    ZohoUnavailable,
    ZohoValidationError,
)
from worker.zoho.http import ZohoHttp
from worker.zoho.jsonio import InexactAmount
from worker.zoho.oauth import TokenEndpoint
from worker.zoho.tokens import TokenManager
from zoho_sandbox import RunningSandbox, SandboxConfig

LIVE = Lane.LIVE


async def _invoice_payload(books: ZohoBooks) -> dict[str, object]:
    eur = next(c for c in await books.currencies(LIVE) if c.currency_code == "EUR")
    customer = await books.create_contact(
        {"contact_name": "Barbara Liskov", "currency_id": eur.currency_id}, LIVE
    )
    return {
        "customer_id": customer.contact_id,
        "reference_number": "ORD-7",
        "line_items": [{"name": "Lamp", "rate": Decimal("19.99"), "quantity": 2}],
    }


async def _invoices_in_sandbox(http: aiohttp.ClientSession, sandbox: RunningSandbox) -> int:
    books = (await sandbox_state(http, sandbox))["books"]
    assert isinstance(books, dict)
    return sum(len(org["invoices"]) for org in books.values())


@pytest.mark.parametrize("fault", ["applied_then_500", "applied_then_reset"])
async def test_a_create_without_an_answer_is_outcome_unknown_and_never_resent(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, books: ZohoBooks, fault: str
) -> None:
    payload = await _invoice_payload(books)
    await add_fault(http, sandbox, "invoices.create", fault)

    with pytest.raises(OutcomeUnknown):
        await books.create_invoice(payload, LIVE)

    assert await _invoices_in_sandbox(http, sandbox) == 1
    assert [i.reference_number for i in await books.invoices_by_reference("ORD-7", LIVE)] == [
        "ORD-7"
    ]


async def test_a_read_that_failed_on_the_server_is_retried(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, books: ZohoBooks
) -> None:
    await add_fault(http, sandbox, "taxes.list", "rejected_500", times=2)

    assert await books.taxes(LIVE)


async def test_a_server_that_keeps_failing_is_unavailable(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, books: ZohoBooks
) -> None:
    await add_fault(http, sandbox, "taxes.list", "rejected_500", times=None)

    with pytest.raises(ZohoUnavailable) as caught:
        await books.taxes(LIVE)

    assert (caught.value.http_status, caught.value.code) == (500, 1000)


async def test_a_429_storm_is_waited_out_even_for_a_create(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, books: ZohoBooks
) -> None:
    payload = await _invoice_payload(books)
    await add_fault(http, sandbox, "invoices.create", "rate_limit_storm", times=2)

    invoice = await books.create_invoice(payload, LIVE)

    assert invoice.reference_number == "ORD-7"
    assert await _invoices_in_sandbox(http, sandbox) == 1


async def test_endless_429s_end_as_rate_limited(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, books: ZohoBooks
) -> None:
    await add_fault(http, sandbox, "currencies.list", "rate_limit_storm", times=None)

    with pytest.raises(RateLimited) as caught:
        await books.currencies(LIVE)

    assert caught.value.code == 44


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(daily_limit=3)])
async def test_the_daily_cap_is_not_retried(
    http: aiohttp.ClientSession, sandbox: RunningSandbox, books: ZohoBooks
) -> None:
    for _ in range(3):
        await books.currencies(LIVE)

    with pytest.raises(DailyLimitReached) as caught:
        await books.currencies(LIVE)

    assert caught.value.code == 45
    assert await sandbox_counter(http, sandbox, "429.45") == 1


async def test_bad_content_is_a_validation_error(books: ZohoBooks) -> None:
    with pytest.raises(ZohoValidationError) as caught:
        await books.create_invoice({"customer_id": "1", "line_items": "not a list"}, LIVE)

    assert caught.value.http_status == 400


async def test_an_amount_json_cannot_carry_exactly_is_refused_before_sending(
    books: ZohoBooks,
) -> None:
    payload = {"customer_id": "1", "line_items": [{"rate": Decimal("0.12345678901234567")}]}

    with pytest.raises(InexactAmount):
        await books.create_invoice(payload, LIVE)


async def _revoke_access_token(
    books: ZohoBooks, connections: ConnectionRepository, token_endpoint: TokenEndpoint
) -> StoredConnection:
    """Use the client once, then revoke its access token behind its back."""
    await books.currencies(LIVE)
    stored = await connections.load()
    assert stored is not None
    assert stored.access_token is not None
    await token_endpoint.revoke(stored.access_token)
    return stored


async def test_a_rejected_access_token_is_refreshed_once_and_the_call_succeeds(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    books: ZohoBooks,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
) -> None:
    await _revoke_access_token(books, connections, token_endpoint)
    mints = await sandbox_counter(http, sandbox, "mints")

    assert await books.currencies(LIVE)
    assert await sandbox_counter(http, sandbox, "mints") == mints + 1


async def test_a_token_without_the_scope_is_not_authorised(
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    books: ZohoBooks,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
) -> None:
    code = await grant_code(http, sandbox, scope="ZohoBooks.settings.READ")
    read_only = await token_endpoint.exchange_code(code, REDIRECT_URI)
    assert read_only.refresh_token is not None
    await store_refresh_token(
        connections,
        SystemClock(),
        data_center="com",
        client_id=CREDENTIALS.client_id,
        refresh_token=read_only.refresh_token,
    )

    assert await books.currencies(LIVE)
    with pytest.raises(ZohoNotAuthorised) as caught:
        await books.create_contact({"contact_name": "Niklaus Wirth"}, LIVE)

    assert (caught.value.http_status, caught.value.code) == (401, 57)


async def test_unreachable_zoho_is_unavailable_even_for_a_create(
    http: aiohttp.ClientSession,
    sandbox_config: SandboxConfig,
    connected: StoredConnection,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
    budget: RequestBudget,
    no_backoff: None,
) -> None:
    """Nothing was sent, so nothing can have been applied: retried, then unavailable."""
    tokens = TokenManager(connections, lambda _: token_endpoint, SystemClock(), owner="a")
    dead = ZohoHttp(
        http, "http://127.0.0.1:9/books/v3", sandbox_config.organization_id, tokens, budget
    )

    with pytest.raises(ZohoUnavailable):
        await ZohoBooks(dead).create_invoice({"customer_id": "1", "line_items": []}, LIVE)


async def test_no_token_or_secret_reaches_the_logs(
    json_logs: pytest.CaptureFixture[str],
    http: aiohttp.ClientSession,
    sandbox: RunningSandbox,
    books: ZohoBooks,
    connections: ConnectionRepository,
    token_endpoint: TokenEndpoint,
) -> None:
    stored = await _revoke_access_token(books, connections, token_endpoint)
    await add_fault(http, sandbox, "taxes.list", "rejected_500")
    await books.taxes(LIVE)
    refreshed = await connections.load()
    assert refreshed is not None

    logged = json_logs.readouterr()
    lines = [json.loads(line) for line in logged.err.splitlines() if line.startswith("{")]
    text = logged.out + logged.err
    assert any(line["event"] == "zoho access token refreshed" for line in lines)
    for secret in (stored.access_token, refreshed.access_token, stored.refresh_token):
        assert secret
        assert secret not in text
    assert token_endpoint._credentials.client_secret not in text
