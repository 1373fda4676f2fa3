"""The AsyncAPI 3.0 document of the worker: the exchange, the routing keys, the queues.

Built from the same models as the JSON Schemas and from ``Topology``'s default names, so a
change to either shows up in ``schemas/asyncapi.yaml`` (and in the staleness test).
"""

from __future__ import annotations

from typing import Any, get_args

from worker.events import EVENT_TYPES, EventType, RejectReason
from worker.messaging.publisher import (
    CONTENT_TYPE,
    DETAIL_HEADER,
    MAX_DETAIL_CHARS,
    REASON_HEADER,
)
from worker.messaging.topology import BINDING_KEY, DELIVERY_LIMIT, Topology

from .examples import examples
from .json_schemas import data_model_name, data_schemas, event_envelope

JsonObject = dict[str, Any]
AMQP_BINDING = "0.3.0"
REASONS: tuple[RejectReason, ...] = get_args(RejectReason)
INFO = f"""Order events a shop publishes for zoho-books-sync, which turns them into draft
invoices in Zoho Books.

Publish each event as a CloudEvents 1.0 JSON object (structured mode, UTF-8, at most 1 MiB)
to the topic exchange, with routing key = the event type, `delivery_mode` 2 (persistent),
content type `{CONTENT_TYPE}`, message id = the event id, publisher confirms and `mandatory`.
Money and rates are decimals given as strings ("12.30") or numbers, never read as floats.

Names are configurable with ZBSYNC_EXCHANGE, ZBSYNC_QUEUE and ZBSYNC_DEAD_LETTER_QUEUE; the
names below are the defaults. `zbsync publish FILE` validates and publishes an event file.
"""


def _name(event_type: EventType) -> str:
    first, second = event_type.split(".")
    return f"{first}{second.capitalize()}"


def _pascal(event_type: EventType) -> str:
    return "".join(part.capitalize() for part in event_type.split("."))


def asyncapi_document() -> JsonObject:
    """The whole document, as plain data ready for YAML."""
    topology = Topology.default()
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "zoho-books-sync order events", "version": "1.0.0", "description": INFO},
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "local": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "description": "The broker in ZBSYNC_AMQP_URL (default amqp://127.0.0.1:5672/).",
            }
        },
        "channels": {**_event_channels(topology), **_queue_channels(topology)},
        "operations": _operations(),
        "components": {"schemas": _schemas(), "messages": _messages()},
    }


def _exchange_binding(topology: Topology) -> JsonObject:
    exchange = {"name": topology.exchange, "type": "topic", "durable": True, "autoDelete": False}
    return {
        "amqp": {
            "is": "routingKey",
            "exchange": {**exchange, "vhost": "/"},
            "bindingVersion": AMQP_BINDING,
        }
    }


def _queue_binding(name: str) -> JsonObject:
    queue = {"name": name, "durable": True, "exclusive": False, "autoDelete": False}
    return {
        "amqp": {"is": "queue", "queue": {**queue, "vhost": "/"}, "bindingVersion": AMQP_BINDING}
    }


def _event_channels(topology: Topology) -> JsonObject:
    return {
        _name(event_type): {
            "address": event_type,
            "description": f"Routing key `{event_type}` on the topic exchange "
            f"`{topology.exchange}` (durable).",
            "messages": {_name(event_type): {"$ref": f"#/components/messages/{_name(event_type)}"}},
            "bindings": _exchange_binding(topology),
        }
        for event_type in EVENT_TYPES
    }


def _queue_channels(topology: Topology) -> JsonObject:
    arguments = ", ".join(f"`{k}: {v}`" for k, v in topology.queue_arguments().items())
    orders = {_name(t): {"$ref": f"#/components/messages/{_name(t)}"} for t in EVENT_TYPES}
    return {
        "ordersQueue": {
            "address": topology.queue,
            "description": f"The worker's quorum queue, bound to `{topology.exchange}` with "
            f"`{BINDING_KEY}`; arguments {arguments}. A message delivered "
            f"{DELIVERY_LIMIT} times without being acknowledged is dead-lettered.",
            "messages": orders,
            "bindings": _queue_binding(topology.queue),
        },
        "deadLetterQueue": {
            "address": topology.dead_letter_queue,
            "description": f"Durable quorum queue bound with `#` to the topic exchange "
            f"`{topology.dead_letter_exchange}`, where the broker dead-letters messages past "
            "the delivery limit and the worker republishes malformed ones.",
            "messages": {"deadLetter": {"$ref": "#/components/messages/deadLetter"}},
            "bindings": _queue_binding(topology.dead_letter_queue),
        },
    }


def _operations() -> JsonObject:
    operations: JsonObject = {
        f"receive{_pascal(t)}": {
            "action": "receive",
            "summary": f"The worker consumes `{t}` events (published by the shop).",
            "channel": {"$ref": f"#/channels/{_name(t)}"},
            "messages": [{"$ref": f"#/channels/{_name(t)}/messages/{_name(t)}"}],
            "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP_BINDING}},
        }
        for t in EVENT_TYPES
    }
    operations["deadLetter"] = {
        "action": "send",
        "summary": "The worker republishes a malformed message, original bytes, to the "
        "dead-letter exchange (confirmed), then acknowledges it.",
        "channel": {"$ref": "#/channels/deadLetterQueue"},
        "messages": [{"$ref": "#/channels/deadLetterQueue/messages/deadLetter"}],
        "bindings": {
            "amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": AMQP_BINDING}
        },
    }
    return operations


def _schemas() -> JsonObject:
    schemas: JsonObject = dict(data_schemas("#/components/schemas/{model}"))
    for event_type in EVENT_TYPES:
        data_ref = f"#/components/schemas/{data_model_name(event_type)}"
        schemas[f"{_pascal(event_type)}Event"] = event_envelope(event_type, data_ref)
    return schemas


def _messages() -> JsonObject:
    by_type: dict[str, list[JsonObject]] = {}
    for file_name, event in examples().items():
        example = {"name": file_name.removesuffix(".json"), "payload": event}
        by_type.setdefault(event["type"], []).append(example)
    messages: JsonObject = {
        _name(t): {
            "name": t,
            "title": t,
            "contentType": CONTENT_TYPE,
            "payload": {"$ref": f"#/components/schemas/{_pascal(t)}Event"},
            "bindings": {"amqp": {"messageType": t, "bindingVersion": AMQP_BINDING}},
            "examples": by_type.get(t, []),
        }
        for t in EVENT_TYPES
    }
    messages["deadLetter"] = _dead_letter_message()
    return messages


def _dead_letter_message() -> JsonObject:
    return {
        "name": "dead-letter",
        "title": "A message the worker could not take",
        "summary": "The original body, byte for byte (it may not even be JSON), with the "
        "original routing key.",
        "headers": {
            "type": "object",
            "description": "Set when the worker dead-lettered a malformed message. A message "
            "the broker dead-lettered after the delivery limit has RabbitMQ's own "
            "x-death and x-first-death-reason (delivery_limit) headers instead.",
            "properties": {
                REASON_HEADER: {"type": "string", "enum": list(REASONS)},
                DETAIL_HEADER: {"type": "string", "maxLength": MAX_DETAIL_CHARS},
            },
        },
        "payload": {"description": "The original message body, unchanged."},
    }
