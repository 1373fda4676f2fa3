"""``zbsync run`` processes against the real broker, the MongoDB wire server and the sandbox."""

from __future__ import annotations

import asyncio
import json

import aio_pika

from tests.e2e.conftest import Stack
from tests.support.orders import event_body, order_data
from tests.support.worker_process import eventually
from tests.support.zoho_fixtures import add_fault

MALFORMED = {
    "invalid_json": (b"{not json", "order.paid"),
    "not_cloudevent": (b'{"id": "1001", "total": "9.99"}', "order.paid"),
    "unknown_type": (event_body("order.shipped", {"id": "1"}), "order.shipped"),
    "invalid_order": (event_body("order.paid", {"id": "1", "currency": "euro"}), "order.paid"),
    "too_large": (b" " * (1024 * 1024 + 1), "order.paid"),
}


async def _dead_letters(stack: Stack, count: int) -> list[aio_pika.abc.AbstractIncomingMessage]:
    connection = await aio_pika.connect(stack.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(stack.topology.dead_letter_queue)
        messages = []
        for _ in range(count):
            message = await queue.get(timeout=10)
            await message.ack()
            messages.append(message)
        return messages


async def _queued(stack: Stack) -> int:
    connection = await aio_pika.connect(stack.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(stack.topology.queue, passive=True)
        assert queue.declaration_result.message_count is not None
        return queue.declaration_result.message_count


async def test_paid_order_to_invoice_and_every_malformed_message_dead_lettered(
    stack: Stack,
) -> None:
    worker = await stack.start_worker()
    await stack.paid(order_data())
    for body, key in MALFORMED.values():
        await stack.publish(body, key)

    async def synced() -> bool:
        return await stack.state("1001") == "synced"

    await eventually(synced, what="order 1001 synced")
    dead = await _dead_letters(stack, len(MALFORMED))
    [invoice] = (await stack.books())["invoices"]

    assert invoice["reference_number"] == "ORD-1001"
    assert {m.headers["x-zbsync-reason"] for m in dead} == set(MALFORMED)
    by_reason = {m.headers["x-zbsync-reason"]: m for m in dead}
    assert by_reason["invalid_json"].body == b"{not json"
    assert "currency" in str(by_reason["invalid_order"].headers["x-zbsync-detail"])
    assert await worker.stop() == 0
    assert await _queued(stack) == 0
    secret = stack.env["ZBSYNC_ZOHO_REFRESH_TOKEN"]
    assert not any(secret in line for line in worker.lines)


async def test_two_replicas_create_one_contact_for_one_new_customer(stack: Stack) -> None:
    await stack.start_worker()
    await stack.start_worker()
    await asyncio.gather(stack.paid(order_data("2001")), stack.paid(order_data("2002")))

    async def both_synced() -> bool:
        return [await stack.state("2001"), await stack.state("2002")] == ["synced", "synced"]

    await eventually(both_synced, what="both orders synced")
    books = await stack.books()

    assert len(books["contacts"]) == 1
    assert len(books["invoices"]) == 2
    assert {i["customer_id"] for i in books["invoices"]} == {books["contacts"][0]["contact_id"]}
    assert len(await stack.calls("contacts.create")) == 1


async def test_a_zoho_outage_fails_orders_after_acking_then_they_sync(stack: Stack) -> None:
    async with stack.http.post(
        f"{stack.sandbox.origin}/_sandbox/faults",
        json={"request_class": "*", "mode": "rejected_500"},
    ) as resp:
        assert resp.status == 201
    await stack.start_worker()
    for order_id in ("3001", "3002", "3003"):
        await stack.paid(order_data(order_id))

    async def all_failed() -> bool:
        return [await stack.state(i) for i in ("3001", "3002", "3003")] == ["failed"] * 3

    await eventually(all_failed, what="orders failed during the outage")
    assert await _queued(stack) == 0
    async with stack.http.delete(f"{stack.sandbox.origin}/_sandbox/faults") as resp:
        assert resp.status == 200

    async def all_synced() -> bool:
        return [await stack.state(i) for i in ("3001", "3002", "3003")] == ["synced"] * 3

    await eventually(all_synced, what="orders synced after the outage")
    assert len((await stack.books())["invoices"]) == 3


async def test_lost_create_answers_never_duplicate(stack: Stack) -> None:
    await add_fault(stack.http, stack.sandbox, "invoices.create", "applied_then_500")
    await add_fault(stack.http, stack.sandbox, "invoices.create", "applied_then_reset")
    await stack.start_worker()
    await stack.paid(order_data("4001"))
    await stack.paid(order_data("4002"))

    async def both_synced() -> bool:
        return [await stack.state("4001"), await stack.state("4002")] == ["synced", "synced"]

    await eventually(both_synced, what="both orders synced")
    invoices = (await stack.books())["invoices"]
    assert sorted(i["reference_number"] for i in invoices) == ["ORD-4001", "ORD-4002"]
    calls = await stack.calls("invoices.create")
    assert json.dumps([c["fault"] for c in calls]).count("applied_then") == 2
