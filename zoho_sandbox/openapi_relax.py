"""The quirks of Zoho's OpenAPI files, relaxed before request bodies are validated.

From ``zoho-books-openapi/README.md`` and ``zoho-books-api.md`` section 6:
1. ``line_items[].item_id`` is not required (name + rate lines are common);
2. the update-invoice request puts ``line_item_id`` at the top level: it is
   also allowed, as a string, inside each line;
3. ``additionalProperties`` stays open (regional fields differ per file);
4. number versus string, where the files contradict themselves: a number- or
   integer-typed field whose example is a string, or whose name is an id
   (ids are strings everywhere else), also takes a string; a string-typed
   field with a numeric example that is *not* an id (``shipping_charge``,
   ``zip``) also takes a number; ``discount`` also takes "12.5%";
   custom field values take any scalar. String ids stay strict: a numeric
   ``customer_id`` is a violation (pitfall 14).

``contact_name`` stays required on a contact *update*, as the files say: the
product sends the contact's current name on every PUT (SPEC section 4).
"""

from __future__ import annotations

import copy
from typing import Any

NUMERIC = ("number", "integer")
STRING_OR_NUMBER: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "number"}]}
ANY_SCALAR: dict[str, Any] = {
    "anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
}
NOT_REQUIRED = {"item_id"}
# What ``relaxed`` changes, in one line each (recorded in the shipped request schemas).
QUIRKS = (
    "line_items[].item_id is not required",
    "line_items[].line_item_id (a string) is allowed on invoice create and update",
    "additionalProperties stays open",
    "a number field whose example is a string, an id or discount also takes a string; "
    "a string field with a numeric example that is not an id also takes a number; "
    "custom field values take any scalar",
)
LINE_SCHEMAS = ("create-an-invoice-request", "update-an-invoice-request")


def relaxed(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of one OpenAPI document with the quirks above relaxed."""
    doc = copy.deepcopy(document)
    schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        schemas[name] = _relax(name, schema)
    for name in LINE_SCHEMAS:
        if name in schemas:
            _allow_line_item_id(schemas[name])
    return doc


def _relax(name: str, node: Any) -> Any:
    """Relax one schema node and everything under it; ``name`` is the field it describes.

    Under ``properties`` each key is a field name, so children are named by their key.
    """
    if isinstance(node, list):
        return [_relax(name, item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _relax(key if key != "items" else name, value) for key, value in node.items()}
    if isinstance(node.get("required"), list):
        node["required"] = [r for r in node["required"] if r not in NOT_REQUIRED]
    if node.get("additionalProperties") is False:
        del node["additionalProperties"]
    return _widen(name, node)


def _widen(name: str, node: dict[str, Any]) -> dict[str, Any]:
    """Accept both number and string where the file contradicts itself (rule 4)."""
    kind, example = node.get("type"), node.get("example")
    is_id = name.endswith("_id")
    if name == "value" and kind == "string":
        return _without_type(node, ANY_SCALAR)
    if kind in NUMERIC and (isinstance(example, str) or is_id or name == "discount"):
        return _without_type(node, STRING_OR_NUMBER)
    numeric_example = isinstance(example, int | float) and not isinstance(example, bool)
    if kind == "string" and numeric_example and not is_id:
        return _without_type(node, STRING_OR_NUMBER)
    return node


def _without_type(node: dict[str, Any], replacement: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in node.items() if k not in ("type", "format")}
    return {**kept, **copy.deepcopy(replacement)}


def _allow_line_item_id(request_schema: dict[str, Any]) -> None:
    lines = request_schema.get("properties", {}).get("line_items", {})
    properties = lines.get("items", {}).setdefault("properties", {})
    properties.setdefault("line_item_id", {"type": "string"})
