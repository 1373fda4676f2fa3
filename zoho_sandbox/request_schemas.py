"""The request schemas the sandbox checks bodies against, and where they come from.

They ship inside the package (``zoho_request_schemas.json``, written by
``python -m zoho_sandbox.generate_schemas``) so a plain checkout validates.
``from_openapi`` builds the same document from a folder of Zoho's OpenAPI
files: read the YAML, relax its known quirks (``openapi_relax``; relaxing needs
the files' examples, so it happens here, before they are dropped), then keep
each checked operation's request schema with every ``$ref`` inlined and only
its structure: types, formats, properties, items, required fields, enums and
bounds -- no descriptions, examples or vendor ``x-`` keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .openapi_relax import QUIRKS, relaxed

SHIPPED = Path(__file__).with_name("zoho_request_schemas.json")
# request class -> (file, path, method) of the operation whose request schema applies
OPERATIONS = {
    "contacts.create": ("contacts.yml", "/contacts", "post"),
    "contacts.update": ("contacts.yml", "/contacts/{contact_id}", "put"),
    "invoices.create": ("invoices.yml", "/invoices", "post"),
    "invoices.update": ("invoices.yml", "/invoices/{invoice_id}", "put"),
    "invoices.upsert": ("invoices.yml", "/invoices", "put"),
}
GENERATOR = "python -m zoho_sandbox.generate_schemas --openapi-dir <zoho-books-openapi>"
# OAS 3.0 schema keywords that constrain a value; everything else is prose or annotation.
STRUCTURE = frozenset(
    {
        "type", "format", "enum", "nullable", "required", "properties", "items",
        "additionalProperties", "allOf", "anyOf", "oneOf", "not", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
    }
)  # fmt: skip
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def from_openapi(folder: Path) -> dict[str, Any]:
    """The request-schema document built from Zoho's OpenAPI files in ``folder``."""
    documents: dict[str, dict[str, Any]] = {}
    schemas = {}
    for request_class, (file_name, path, method) in OPERATIONS.items():
        if file_name not in documents:
            documents[file_name] = _load(folder / file_name)
        document = documents[file_name]
        body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
        schemas[request_class] = _structure(body["schema"], document, ())
    return {
        "generated_by": GENERATOR,
        "source": {rc: f"{f} {m.upper()} {p}" for rc, (f, p, m) in OPERATIONS.items()},
        "relaxed": list(QUIRKS),
        "request_schemas": schemas,
    }


def render(document: dict[str, Any]) -> str:
    """The document as the checked-in file holds it (stable, so regenerating is a no-op)."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def load(path: Path) -> dict[str, Any]:
    """Request class -> schema, from a file ``render`` wrote."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    schemas: dict[str, Any] = document["request_schemas"]
    return schemas


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=yaml.CSafeLoader)
    return relaxed(document)


def _structure(node: Any, document: dict[str, Any], refs: tuple[str, ...]) -> Any:
    """``node`` with ``$ref``s inlined and only the ``STRUCTURE`` keywords kept.

    ``refs`` are the references being inlined above ``node``: a cycle cannot be inlined.
    """
    if not isinstance(node, dict):
        return node
    if (reference := node.get("$ref")) is not None:
        if reference in refs:
            raise ValueError(f"a recursive schema cannot be inlined: {reference}")
        return _structure(_resolve(reference, document), document, (*refs, reference))
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key not in STRUCTURE:
            continue
        if key == "properties":
            kept[key] = {name: _structure(sub, document, refs) for name, sub in value.items()}
        elif key in SUBSCHEMA_LISTS:
            kept[key] = [_structure(sub, document, refs) for sub in value]
        else:
            kept[key] = _structure(value, document, refs)
    return kept


def _resolve(reference: str, document: dict[str, Any]) -> Any:
    """The target of a local ``#/...`` reference (the files use no others)."""
    if not reference.startswith("#/"):
        raise ValueError(f"only local references are supported: {reference}")
    target: Any = document
    for part in reference[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target
