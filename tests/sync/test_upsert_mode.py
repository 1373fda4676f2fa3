"""Upsert mode (issue 10 item 4, SPEC §3): creates keyed by a unique invoice custom field.

With ``ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD`` set and the field unique in Zoho, a create
is ``PUT /invoices`` keyed by the reference: a lost answer is upserted again at once,
without waiting for Zoho's list and without a lookup. When Zoho does not confirm the
field the worker says why and creates with lookups as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from tests.support.orders import event, order_data
from tests.support.shifted_clock import ShiftedClock
from tests.support.sync_harness import Harness, build_harness
from tests.support.zoho_fixtures import add_fault
from worker.domain.invoice_mapping import MappingSettings
from worker.domain.lanes import Lane
from worker.store.mongo import Database
from worker.sync.policy import SyncPolicy
from worker.sync.records import Intent, OrderRecord
from worker.zoho.books import ZohoBooks
from worker.zoho.errors import ZohoUnreachable
from worker.zoho.http import BeforeSend, JsonObject, ZohoHttp
from worker.zoho.models import Invoice
from zoho_sandbox import InvoiceCustomField, RunningSandbox, SandboxConfig

FIELD = "cf_order_ref"
ORG = "20061234567"
# A long list-lag wait: upsert mode must not need it.
POLICY = SyncPolicy(list_lag_wait_ms=600_000, mapping=MappingSettings(), invoice_unique_field=FIELD)
Hook = Callable[[], Awaitable[None]]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """An organization whose invoices have a unique custom field for the order reference."""
    return SandboxConfig(invoice_custom_fields=(InvoiceCustomField(api_name=FIELD, unique=True),))


@pytest.fixture
def sync_policy() -> SyncPolicy:
    """Upsert mode on."""
    return POLICY


class HookedUpserts(ZohoBooks):
    """``ZohoBooks`` whose upserts run the test's hook before asking for their budget slot."""

    def __init__(self, http: ZohoHttp) -> None:
        super().__init__(http)
        self.hook: Hook | None = None

    async def upsert_invoice(
        self,
        payload: JsonObject,
        field: str,
        value: str,
        lane: Lane,
        *,
        before_send: BeforeSend | None = None,
    ) -> Invoice:
        """Run the hook (once), then upsert as usual."""
        hook, self.hook = self.hook, None
        if hook is not None:
            await hook()
        return await super().upsert_invoice(payload, field, value, lane, before_send=before_send)


async def _again(harness: Harness, order_id: str = "1001") -> OrderRecord:
    await harness.orders.change(order_id, lambda r: r and r.replace(due_at_ms=0))
    await harness.service.sync(order_id)
    record = await harness.orders.load(order_id)
    assert record is not None
    return record


async def _count(harness: Harness, request_class: str) -> int:
    return len(await harness.calls(request_class))


async def _invoices(harness: Harness) -> list[dict[str, Any]]:
    invoices: list[dict[str, Any]] = (await harness.books())["invoices"]
    return invoices


async def test_a_lost_answer_is_upserted_again_at_once_without_a_lookup(
    harness: Harness, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    await add_fault(http, sandbox, "invoices.upsert", "applied_then_500")
    first = await harness.deliver(event("order.paid", order_data()))
    assert first.state == "failed"
    assert first.intent is not None
    assert (first.intent.upsert_field, first.intent.reference) == (FIELD, "ORD-1001")
    assert first.intent.unknown_at_ms is not None

    done = await _again(harness)  # no clock moved: the 10-minute list-lag wait does not apply

    assert done.state == "synced"
    assert done.intent is None
    [invoice] = await _invoices(harness)
    assert done.invoice is not None
    assert done.invoice.invoice_id == invoice["invoice_id"]
    assert [cf["value"] for cf in invoice["custom_fields"]] == ["ORD-1001"]
    assert await _count(harness, "invoices.upsert") == 2
    assert await _count(harness, "invoices.list") == 0
    assert await _count(harness, "invoices.create") == 0


async def test_the_upsert_sends_the_key_in_its_headers_and_its_body(harness: Harness) -> None:
    await harness.deliver(event("order.paid", order_data()))

    [call] = await harness.calls("invoices.upsert")
    assert call["headers"] == {
        "X-Unique-Identifier-Key": FIELD,
        "X-Unique-Identifier-Value": "ORD-1001",
        "X-Upsert": "true",
    }
    assert call["body"]["reference_number"] == "ORD-1001"
    assert call["body"]["custom_fields"] == [{"api_name": FIELD, "value": "ORD-1001"}]
    assert await _count(harness, "customfields.list") == 1


async def test_the_field_is_checked_once_logged_and_shown_as_a_metric(harness: Harness) -> None:
    with capture_logs() as lines:
        await harness.deliver(event("order.paid", order_data("1001")))
        await harness.deliver(event("order.paid", order_data("1002")))

    assert await _count(harness, "customfields.list") == 1
    [line] = [line for line in lines if line["event"] == "invoice creates upsert"]
    assert line["reason"] == f"{FIELD} is unique in Zoho"
    assert REGISTRY.get_sample_value("zbsync_invoice_upsert", {"organization": ORG}) == 1


async def test_an_invoice_zoho_already_has_is_updated_not_duplicated(
    harness: Harness, books: ZohoBooks
) -> None:
    """A database behind Zoho (restored, new): the upsert finds the invoice by its value."""
    await harness.deliver(event("order.paid", order_data()))
    await harness.orders.change("1001", lambda r: r and r.replace(invoice=None))

    done = await _again(harness)

    assert done.state == "synced"
    assert len(await _invoices(harness)) == 1
    assert await _count(harness, "invoices.upsert") == 2
    assert await _count(harness, "invoices.list") == 0


async def test_a_plain_create_whose_answer_was_lost_is_still_looked_up(harness: Harness) -> None:
    """An intent from before upsert mode (no field): its invoice lacks the value, so look."""
    await harness.receive(event("order.paid", order_data()))
    now = harness.clock.now_ms()
    intent = Intent(
        organization_id=ORG, reference="ORD-1001", started_ms=now, sent_ms=now, unknown_at_ms=now
    )
    await harness.orders.change("1001", lambda r: r and r.replace(intent=intent))

    waiting = await _again(harness)

    assert waiting.state == "failed"
    assert "waiting for Zoho's list" in (waiting.reason or "")
    assert await _count(harness, "invoices.upsert") == 0


async def test_a_refused_retry_keeps_the_intent_of_the_lost_upsert(
    mongo_db: Database, zoho_http: ZohoHttp, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    books = HookedUpserts(zoho_http)
    harness = await build_harness(mongo_db, books, http, sandbox, POLICY)
    # Not a dropped connection: aiohttp re-sends a PUT once on a dropped keep-alive connection.
    await add_fault(http, sandbox, "invoices.upsert", "applied_then_500")
    lost = await harness.deliver(event("order.paid", order_data()))
    assert lost.intent is not None

    async def unreachable() -> None:
        raise ZohoUnreachable("Zoho unreachable: the retry never left")

    books.hook = unreachable
    refused = await _again(harness)
    assert refused.state == "failed"
    assert refused.intent == lost.intent  # the lost upsert may have made the invoice

    done = await _again(harness)
    assert done.state == "synced"
    assert len(await _invoices(harness)) == 1


async def test_an_upsert_does_not_leave_after_the_lease_was_taken_over(
    mongo_db: Database, zoho_http: ZohoHttp, http: aiohttp.ClientSession, sandbox: RunningSandbox
) -> None:
    books = HookedUpserts(zoho_http)
    harness = await build_harness(mongo_db, books, http, sandbox, POLICY)

    async def taken_over() -> None:
        await harness.orders.change(
            "1001", lambda r: r and r.replace(lease_owner="b/1", fence=r.fence + 1)
        )

    books.hook = taken_over
    await harness.deliver(event("order.paid", order_data()))

    assert await _count(harness, "invoices.upsert") == 0
    record = await harness.orders.load("1001")
    assert record is not None
    assert record.intent is not None  # stored, never stamped: nothing to look for
    assert record.intent.sent_ms is None


class TestFallback:
    """Zoho does not confirm the field: plain creates with lookups, and the reason said."""

    @pytest.fixture(
        params=[
            ((), "Zoho has no invoice custom field cf_order_ref"),
            (
                (InvoiceCustomField(api_name=FIELD),),
                "cf_order_ref is not unique in Zoho (duplicate values allowed)",
            ),
        ],
        ids=["no_such_field", "not_unique"],
    )
    def case(self, request: pytest.FixtureRequest) -> tuple[tuple[InvoiceCustomField, ...], str]:
        """The organization's fields and the reason the worker gives."""
        fields, reason = request.param
        return fields, reason

    @pytest.fixture
    def sandbox_config(self, case: tuple[tuple[InvoiceCustomField, ...], str]) -> SandboxConfig:
        """The organization with those fields."""
        return SandboxConfig(invoice_custom_fields=case[0])

    async def test_creates_fall_back_to_the_lookup_path(
        self,
        harness: Harness,
        case: tuple[tuple[InvoiceCustomField, ...], str],
        http: aiohttp.ClientSession,
        sandbox: RunningSandbox,
    ) -> None:
        await add_fault(http, sandbox, "invoices.create", "applied_then_500")
        with capture_logs() as lines:
            first = await harness.deliver(event("order.paid", order_data()))
        assert first.state == "failed"
        assert first.intent is not None
        assert first.intent.upsert_field is None

        [line] = [line for line in lines if line["event"].startswith("invoice creates look up")]
        assert (line["reason"], line["field"]) == (case[1], FIELD)
        assert REGISTRY.get_sample_value("zbsync_invoice_upsert", {"organization": ORG}) == 0

        waiting = await _again(harness)
        assert "waiting for Zoho's list" in (waiting.reason or "")
        assert isinstance(harness.clock, ShiftedClock)
        harness.clock.advance(POLICY.list_lag_wait_ms + POLICY.request_timeout_ms)
        done = await _again(harness)
        assert done.state == "synced"  # the lost create's invoice, found and adopted
        assert len(await _invoices(harness)) == 1
        assert await _count(harness, "invoices.list") >= 1
        assert await _count(harness, "invoices.upsert") == 0
