"""JSON Schemas of the envelope and of each event type, from the pydantic models.

The models stay the single source of truth; this module only says in the schema what the
parser does beyond pydantic's defaults: money and rates are exact decimals given as
strings or numbers, integers may be given as digit strings, text (the order id, a SKU,
a postcode) may be given as a number, and an optional field may be given in any form of
absence (``Absent``: null, "", whitespace only, an empty object or list, or one holding
only such values).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import (
    GenerateJsonSchema,
    JsonSchemaMode,
    JsonSchemaValue,
    models_json_schema,
)
from pydantic_core import core_schema

from worker.events import EVENT_TYPES, CloudEvent, EventType, Order, OrderRef

JsonObject = dict[str, Any]
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
DECIMAL_PATTERN = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"
INTEGER_PATTERN = r"^\s*[0-9]+\s*$"
ABSENT = "Absent"
NOT_BLANK = r"\S"
ID_NOTE = "The shop's order id; a number is accepted and read as a string."
# Kept beside a property's type when it also takes ``Absent``.
PROPERTY_NOTES = ("title", "description", "default")
EVENT_DESCRIPTIONS: dict[EventType, str] = {
    "order.paid": "The order was paid: the worker creates (or updates) its draft invoice.",
    "order.updated": "The order changed: a draft invoice follows; an unpaid order is stored.",
    "order.deleted": "The order is gone: its draft invoice is deleted. Only data.id is needed.",
}


class ContractJsonSchema(GenerateJsonSchema):
    """pydantic's generator, saying how decimals are read."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        """A string or a number, parsed as an exact decimal; the digit limits in words."""
        json_schema = super().decimal_schema(schema)
        for branch in json_schema.get("anyOf", []):
            if branch.get("type") == "string":
                branch["pattern"] = DECIMAL_PATTERN
        return {**json_schema, "description": _decimal_note(schema)}

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        """An integer, or a string of digits (read as that integer)."""
        digits = {"type": "string", "pattern": INTEGER_PATTERN}
        return {"anyOf": [super().int_schema(schema), digits]}


def _decimal_note(schema: core_schema.DecimalSchema) -> str:
    note = 'A decimal: a string such as "12.30" or a number, parsed as decimal (never float)'
    limits = []
    if "max_digits" in schema:
        limits.append(f"at most {schema['max_digits']} digits")
    if "decimal_places" in schema:
        limits.append(f"at most {schema['decimal_places']} after the point")
    return f"{note}; {', '.join(limits)}." if limits else f"{note}."


def data_schemas(ref_template: str) -> dict[str, JsonObject]:
    """Schemas of ``Order``, ``OrderRef`` and everything they use, by model name."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (Order, "validation"),
        (OrderRef, "validation"),
    ]
    _, top = models_json_schema(
        models, ref_template=ref_template, schema_generator=ContractJsonSchema
    )
    defs: dict[str, JsonObject] = top["$defs"]
    absent_ref = ref_template.format(model=ABSENT)
    for model_schema in defs.values():
        _text_takes_numbers(model_schema)
        _optional_may_be_absent(model_schema, absent_ref)
    for name in ("Order", "OrderRef"):
        defs[name]["properties"]["id"]["description"] = ID_NOTE
    defs[ABSENT] = absent_schema(absent_ref)
    return defs


def absent_schema(self_ref: str) -> JsonObject:
    """Absence in every form a shop sends it; ``self_ref`` is where this schema lives."""
    return {
        "title": ABSENT,
        "description": "Not given: null, an empty or whitespace-only string, or an empty "
        "object or list (or one holding nothing but such values). An optional field given "
        "so is absent; a required one is missing.",
        "anyOf": [
            {"type": "null"},
            {"type": "string", "pattern": r"^\s*$"},
            {"type": "array", "items": {"$ref": self_ref}},
            {"type": "object", "additionalProperties": {"$ref": self_ref}},
        ],
    }


def _optional_may_be_absent(model_schema: JsonObject, absent_ref: str) -> None:
    required = set(model_schema.get("required", ()))
    properties: JsonObject = model_schema["properties"]
    for name, prop in properties.items():
        if name not in required:
            notes, branches = _split(prop)
            # null is one form of absence: said once, by Absent.
            given = [branch for branch in branches if branch != {"type": "null"}]
            properties[name] = {**notes, "anyOf": [*given, {"$ref": absent_ref}]}


def _text_takes_numbers(model_schema: JsonObject) -> None:
    # The models read a number given for text as its digits (a numeric SKU or postcode);
    # codes with a pattern of their own (currency, country, email) do not match digits.
    properties: JsonObject = model_schema["properties"]
    for name, prop in properties.items():
        notes, branches = _split(prop)
        if any(_free_text(branch) for branch in branches):
            properties[name] = {**notes, "anyOf": [*branches, {"type": "number"}]}


def _free_text(branch: JsonObject) -> bool:
    return branch.get("type") == "string" and branch.get("pattern") in (None, NOT_BLANK)


def _split(prop: JsonObject) -> tuple[JsonObject, list[JsonObject]]:
    """A property's notes (title, ...) and the alternatives of its type."""
    notes = {key: value for key, value in prop.items() if key in PROPERTY_NOTES}
    kind = {key: value for key, value in prop.items() if key not in PROPERTY_NOTES}
    return notes, kind["anyOf"] if kind.keys() == {"anyOf"} else [kind]


def envelope_schema() -> JsonObject:
    """The CloudEvents 1.0 envelope as the worker reads it, for any event type."""
    schema = CloudEvent.model_json_schema(schema_generator=ContractJsonSchema)
    schema["properties"]["datacontenttype"] = {
        "anyOf": [{"const": "application/json", "type": "string"}, {"type": "null"}],
        "default": None,
        "description": "Absent or application/json; data is the JSON object itself.",
        "title": "Datacontenttype",
    }
    schema["properties"]["type"]["description"] = f"One of {', '.join(EVENT_TYPES)}."
    return schema


def event_envelope(event_type: EventType, data_ref: str) -> JsonObject:
    """The envelope of one event type, its ``data`` a reference to the data schema."""
    schema = envelope_schema()
    schema["properties"]["type"] = {"const": event_type, "title": "Type", "type": "string"}
    schema["properties"]["data"] = {"$ref": data_ref}
    schema["required"] = sorted({*schema["required"], "data"})
    schema["title"] = f"{event_type} event"
    schema["description"] = EVENT_DESCRIPTIONS[event_type]
    return schema


def data_model_name(event_type: EventType) -> str:
    """The model an event type's ``data`` is validated with."""
    return OrderRef.__name__ if event_type == "order.deleted" else Order.__name__


def event_schema_document(event_type: EventType) -> JsonObject:
    """A self-contained JSON Schema (2020-12) of one event type, for ``schemas/``."""
    defs = data_schemas("#/$defs/{model}")
    name = data_model_name(event_type)
    schema = event_envelope(event_type, f"#/$defs/{name}")
    schema["$defs"] = _reachable(defs, name)
    schema["$schema"] = DRAFT_2020_12
    return schema


def envelope_document() -> JsonObject:
    """A self-contained JSON Schema (2020-12) of the envelope, for ``schemas/``."""
    return {**envelope_schema(), "$schema": DRAFT_2020_12}


def _reachable(defs: dict[str, JsonObject], root: str) -> dict[str, JsonObject]:
    found: dict[str, JsonObject] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        if name not in found:
            found[name] = defs[name]
            pending.extend(ref.rsplit("/", 1)[-1] for ref in refs(defs[name]))
    return found


def refs(node: object) -> list[str]:
    """Every ``$ref`` string anywhere in a JSON document."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []
