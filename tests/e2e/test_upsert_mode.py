"""Upsert mode in a running ``zbsync run``: asked of Zoho at start, lost answers upserted again."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import eventually
from tests.support.zoho_fixtures import add_fault
from zoho_sandbox import InvoiceCustomField, SandboxConfig

FIELD = "cf_order_ref"


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """A paid plan whose invoices have a unique field for the order reference."""
    unique = InvoiceCustomField(api_name=FIELD, unique=True)
    return SandboxConfig(plan_name="PREMIUM", invoice_custom_fields=(unique,))


async def test_the_worker_asks_at_start_and_upserts_a_lost_create_again(stack: Stack) -> None:
    worker = await stack.start_worker(
        ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD=FIELD, ZBSYNC_LIST_LAG_WAIT="600"
    )

    async def answered() -> bool:
        return any(e["event"] == "invoice creates upsert" for e in worker.events())

    await eventually(answered, what="upsert mode checked at start")  # no order published yet
    await add_fault(stack.http, stack.sandbox, "invoices.upsert", "applied_then_500")
    await stack.paid(order_data("5001"))

    async def synced() -> bool:
        return await stack.state("5001") == "synced"

    await eventually(synced, what="the order synced")  # well before the 600 s list-lag wait
    assert len((await stack.books())["invoices"]) == 1
    assert [c["fault"] for c in await stack.calls("invoices.upsert")] == ["applied_then_500", None]
    lookups = [c for c in await stack.calls("invoices.list") if "reference_number" in c["query"]]
    assert lookups == []  # the one list call left is the invoice index's check at start
    assert len(await stack.calls("customfields.list")) == 1
    assert await worker.stop() == 0
