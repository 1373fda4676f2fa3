"""The test fixtures reach real services: a MongoDB wire-protocol server and RabbitMQ."""

from __future__ import annotations

import aio_pika
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from tests.support.rabbit import RabbitNames, delete_declared


async def test_mongo_db_round_trips_and_enforces_unique_indexes(
    mongo_db: AsyncDatabase[dict[str, object]],
) -> None:
    orders = mongo_db["orders"]
    await orders.create_index("reference", unique=True)
    await orders.insert_one({"_id": "1001", "reference": "ORD-1001", "total": "12.30"})

    with pytest.raises(DuplicateKeyError):
        await orders.insert_one({"_id": "1002", "reference": "ORD-1001"})
    assert await orders.find_one({"_id": "1001"}) == {
        "_id": "1001",
        "reference": "ORD-1001",
        "total": "12.30",
    }


async def test_each_test_gets_an_empty_database(
    mongo_db: AsyncDatabase[dict[str, object]],
) -> None:
    assert await mongo_db["orders"].count_documents({}) == 0


async def test_rabbit_names_route_a_message_through_a_topic_exchange(
    amqp_url: str, rabbit_names: RabbitNames
) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            rabbit_names.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(
            rabbit_names.queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await queue.bind(exchange, "order.*")
        await exchange.publish(aio_pika.Message(b'{"id": "1"}'), routing_key="order.paid")

        message = await queue.get(timeout=5)
        await message.ack()
    assert message.body == b'{"id": "1"}'
    assert message.routing_key == "order.paid"


async def test_clean_up_deletes_the_queues_and_exchanges_a_test_declared(amqp_url: str) -> None:
    names = RabbitNames.unique()
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.declare_exchange(names.exchange, aio_pika.ExchangeType.TOPIC)
        await channel.declare_queue(names.dead_letter_queue, durable=True)

        await delete_declared(amqp_url, names)

        with pytest.raises(aio_pika.exceptions.ChannelNotFoundEntity):
            await channel.declare_queue(names.dead_letter_queue, passive=True)
        channel = await connection.channel()
        with pytest.raises(aio_pika.exceptions.ChannelNotFoundEntity):
            await channel.declare_exchange(names.exchange, passive=True)
