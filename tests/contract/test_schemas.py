"""``schemas/``: current, valid JSON Schemas, a well-formed AsyncAPI 3.0 document, examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from worker.contract import render, stale_files, write_schemas
from worker.contract.json_schemas import refs
from worker.events import EVENT_TYPES, parse_event

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
EXAMPLES = sorted((SCHEMAS / "examples").glob("*.json"))
EVENT_SCHEMAS = [f"{event_type}.schema.json" for event_type in EVENT_TYPES]
# The fields AsyncAPI 3.0 allows on each object used, to catch misspelt or misplaced keys.
ALLOWED = {
    "root": {"asyncapi", "id", "info", "servers", "defaultContentType", "channels", "operations",
             "components"},
    "channel": {"address", "messages", "title", "summary", "description", "servers",
                "parameters", "tags", "externalDocs", "bindings"},
    "operation": {"action", "channel", "title", "summary", "description", "security", "tags",
                  "externalDocs", "bindings", "traits", "messages", "reply"},
    "message": {"headers", "payload", "correlationId", "contentType", "name", "title",
                "summary", "description", "tags", "externalDocs", "bindings", "examples",
                "traits"},
}  # fmt: skip


def load(name: str) -> Any:
    """A checked-in JSON file under ``schemas/``."""
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def asyncapi() -> Any:
    """The checked-in AsyncAPI document."""
    return yaml.safe_load((SCHEMAS / "asyncapi.yaml").read_text(encoding="utf-8"))


def test_schemas_folder_is_current() -> None:
    stale = stale_files(SCHEMAS)

    assert not stale, f"schemas/ is stale ({', '.join(stale)}): run `zbsync schemas` and commit"


def test_generation_is_deterministic() -> None:
    assert render() == render()


def test_writing_replaces_what_is_no_longer_generated(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "renamed-long-ago.json").write_text("{}")

    write_schemas(tmp_path)

    assert stale_files(tmp_path) == []
    assert not (tmp_path / "examples" / "renamed-long-ago.json").exists()


@pytest.mark.parametrize("name", ["cloudevent.schema.json", *EVENT_SCHEMAS])
def test_each_json_schema_is_a_valid_2020_12_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(load(name))


def test_the_examples_cover_each_event_type_and_the_promised_cases() -> None:
    names = {path.name for path in EXAMPLES}
    types = {load(f"examples/{name}")["type"] for name in names}

    assert types == set(EVENT_TYPES)
    assert {"order-paid-two-rates.json", "order-paid-tax-inclusive.json"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_each_example_is_accepted_by_parse_event(path: Path) -> None:
    event = parse_event(path.read_bytes())

    assert event.type == load(f"examples/{path.name}")["type"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_each_example_is_valid_under_its_json_schemas(path: Path) -> None:
    example = json.loads(path.read_bytes())

    jsonschema.Draft202012Validator(load(f"{example['type']}.schema.json")).validate(example)
    jsonschema.Draft202012Validator(load("cloudevent.schema.json")).validate(example)


def test_paid_schema_requires_what_parse_event_requires() -> None:
    example = load("examples/order-paid-two-rates.json")
    del example["data"]["total"]
    validator = jsonschema.Draft202012Validator(load("order.paid.schema.json"))

    assert not validator.is_valid(example)
    assert not validator.is_valid(load("examples/order-deleted.json")), "type must be order.paid"
    deleted = jsonschema.Draft202012Validator(load("order.deleted.schema.json"))
    assert deleted.is_valid({**load("examples/order-deleted.json"), "data": {"id": 1001}})


def test_money_is_described_as_string_or_number_parsed_as_decimal() -> None:
    total = load("order.paid.schema.json")["$defs"]["Order"]["properties"]["total"]

    assert {branch["type"] for branch in total["anyOf"]} == {"string", "number"}
    assert "parsed as decimal" in total["description"]


def _resolve(document: Any, ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_asyncapi_document_has_the_3_0_shape(asyncapi: Any) -> None:
    assert asyncapi["asyncapi"] == "3.0.0"
    assert {"title", "version"} <= asyncapi["info"].keys()
    assert asyncapi.keys() <= ALLOWED["root"]
    for kind, objects in [
        ("channel", asyncapi["channels"]),
        ("operation", asyncapi["operations"]),
        ("message", asyncapi["components"]["messages"]),
    ]:
        for name, value in objects.items():
            assert value.keys() <= ALLOWED[kind], f"{kind} {name}"
    for operation in asyncapi["operations"].values():
        assert operation["action"] in {"send", "receive"}


def test_asyncapi_references_all_resolve_and_operations_use_their_channel(asyncapi: Any) -> None:
    for ref in refs(asyncapi):
        _resolve(asyncapi, ref)
    for name, operation in asyncapi["operations"].items():
        channel = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel}/messages/"), name


def test_asyncapi_schemas_are_valid_draft_7_schemas(asyncapi: Any) -> None:
    for schema in asyncapi["components"]["schemas"].values():
        jsonschema.Draft7Validator.check_schema(schema)
    for message in asyncapi["components"]["messages"].values():
        jsonschema.Draft7Validator.check_schema(message["payload"])
        jsonschema.Draft7Validator.check_schema(message.get("headers", {}))


def test_asyncapi_message_examples_validate_against_their_payloads(asyncapi: Any) -> None:
    components = asyncapi["components"]
    with_examples = [
        message for message in components["messages"].values() if "examples" in message
    ]
    assert {message["name"] for message in with_examples} == set(EVENT_TYPES)
    for message in with_examples:
        payload = {"components": components, "$ref": message["payload"]["$ref"]}
        validator = jsonschema.Draft202012Validator(payload)
        for example in message["examples"]:
            validator.validate(example["payload"])
            parse_event(json.dumps(example["payload"]).encode())


def test_asyncapi_describes_the_exchange_routing_keys_and_queues(asyncapi: Any) -> None:
    channels = asyncapi["channels"]
    routing_keys = {
        channel["address"]: channel["bindings"]["amqp"]
        for channel in channels.values()
        if channel["bindings"]["amqp"]["is"] == "routingKey"
    }

    assert set(routing_keys) == set(EVENT_TYPES)
    for binding in routing_keys.values():
        assert binding["exchange"] | {"vhost": "/"} == {
            "name": "shop.orders", "type": "topic", "durable": True, "autoDelete": False,
            "vhost": "/",
        }  # fmt: skip
    assert channels["ordersQueue"]["address"] == "zoho-books.orders"
    assert "x-delivery-limit: 20" in channels["ordersQueue"]["description"]
    assert channels["deadLetterQueue"]["address"] == "zoho-books.orders.dead"
    headers = asyncapi["components"]["messages"]["deadLetter"]["headers"]["properties"]
    assert set(headers) == {"x-zbsync-reason", "x-zbsync-detail"}
