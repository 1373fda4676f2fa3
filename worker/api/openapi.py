"""``GET /api/openapi.json``: the API described as OpenAPI 3.1 (a test checks it against the
routes, both ways)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..domain.console_settings import DATA_CENTERS, FIELDS
from ..domain.decisions import State
from .params import MAX_LIMIT

Json = dict[str, Any]
ORDER_ID: Json = {"name": "order_id", "in": "path", "required": True, "schema": {"type": "string"}}
NULLABLE_STRING: Json = {"type": ["string", "null"]}
INVOICE: Json = {
    "type": ["object", "null"],
    "properties": dict.fromkeys(("id", "number", "status", "total"), NULLABLE_STRING),
}
ORDER: Json = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "number": NULLABLE_STRING,
        "state": {"enum": [s.value for s in State]},
        "revision": {"type": ["integer", "null"]},
        "invoice": INVOICE,
        "reason": NULLABLE_STRING,
        "next_attempt_at": {**NULLABLE_STRING, "format": "date-time"},
        "received_at": {"type": "string", "format": "date-time"},
    },
}
ERROR: Json = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def _answer(description: str, schema: Json | None = None) -> Json:
    if schema is None:
        return {"description": description}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> Json:
    names = {400: "bad input (the message names the field)", 401: "missing or wrong token",
             404: "unknown order", 409: "not allowed in the order's state",
             502: "Zoho refused the request", 503: "Zoho could not be reached"}  # fmt: skip
    return {str(s): _answer(names[s], {"$ref": "#/components/schemas/Error"}) for s in statuses}


def _query(name: str, schema: Json, description: str) -> Json:
    return {"name": name, "in": "query", "schema": schema, "description": description}


CHECK: Json = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["ok"],
}
READINESS: Json = {
    "type": "object",
    "properties": {
        "ready": {"type": "boolean"},
        "checks": {
            "type": "object",
            "properties": {"broker": CHECK, "database": CHECK, "zoho": CHECK},
            "additionalProperties": CHECK,
        },
    },
    "required": ["ready", "checks"],
}


MANUAL: Json = {
    "type": "object",
    "properties": {
        "carried_out": {"type": "boolean"},
        "snapshot": {"enum": ["stored", "stale", None]},
        "order": {"$ref": "#/components/schemas/Order"},
    },
}


def _manual(summary: str, *, body: bool = False) -> Json:
    operation: Json = {
        "summary": summary,
        "parameters": [ORDER_ID],
        "responses": {
            "200": _answer("done; the order as it is now", MANUAL),
            "202": _answer("recorded; the replica working on the order carries it out", MANUAL),
            **_errors(*((400,) if body else ()), 401, 404, 409),
        },
    }
    if body:
        snapshot = {"type": "object", "description": "the order as in an event's data"}
        operation["requestBody"] = {
            "required": False,
            "description": "the order's snapshot, stored first when newer than the stored one",
            "content": {"application/json": {"schema": snapshot}},
        }
    return operation


SETTING: Json = {
    "type": "object",
    "properties": {"value": {}, "source": {"enum": ["console", "environment", "default"]}},
}
SETTINGS: Json = {
    "type": "object",
    "properties": {
        "settings": {
            "type": "object",
            "properties": dict.fromkeys(FIELDS, SETTING),
            "description": "value in force (data center and organization: as the replica's "
            "next build uses it), and where it comes from",
        },
        "restart_needed": {
            "type": "array",
            "items": {"enum": list(FIELDS)},
            "description": "settings stored but not yet in force here: a changed data center "
            "or organization reloads the replica in its process (the others apply live); "
            "listed until the reload built it again",
        },
    },
}
PREFLIGHT: Json = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean", "description": "no problem found"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fix": {"type": "string", "description": "what the admin should do"},
                },
            },
        },
    },
}
SETTINGS_CHANGE: Json = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "data_center": {"enum": list(DATA_CENTERS)},
        "organization_id": NULLABLE_STRING,
        "auto_sync": {"type": "boolean"},
        "reference_template": {"type": "string", "description": "placeholders {id}, {number}"},
        "discount_label": {"type": "string"},
        "shipping_label": {"type": "string"},
        "tax_map": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": 'VAT rate (a decimal, e.g. "22") → Zoho tax id',
        },
        "confirm": {"type": "boolean", "description": "required to change the organization"},
    },
}
CONFIRMATION: Json = _answer(
    "an organization change without confirm: orders stay pending for the new organization",
    {"$ref": "#/components/schemas/Error"},
)

PATHS: Json = {
    "/healthz": {
        "get": {"summary": "Liveness", "security": [], "responses": {"200": _answer("running")}}
    },
    "/readyz": {
        "get": {
            "summary": "Readiness: broker consuming, database reachable, Zoho connection usable",
            "security": [],
            "responses": {
                "200": _answer("every check passes", READINESS),
                "503": _answer("a check fails: its reason says why", READINESS),
            },
        }
    },
    "/metrics": {
        "get": {
            "summary": "Prometheus metrics (docs/metrics.md)",
            "security": [],
            "responses": {
                "200": {
                    "description": "Prometheus text exposition format 0.0.4",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        }
    },
    "/api/openapi.json": {
        "get": {
            "summary": "This document",
            "responses": {"200": _answer("OpenAPI 3.1"), **_errors(401)},
        }
    },
    "/api/orders": {
        "get": {
            "summary": "Orders, newest received first",
            "parameters": [
                _query("state", {"enum": [s.value for s in State]}, "only orders in this state"),
                _query("q", {"type": "string"}, "an order id, shop order number or invoice number"),
                _query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50},
                    "page size",
                ),
                _query("cursor", {"type": "string"}, "next_cursor of the previous page"),
            ],
            "responses": {
                "200": _answer(
                    "a page",
                    {
                        "type": "object",
                        "properties": {
                            "orders": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Order"},
                            },
                            "next_cursor": NULLABLE_STRING,
                        },
                    },
                ),
                **_errors(400, 401),
            },
        }
    },
    "/api/orders/{order_id}": {
        "get": {
            "summary": "One order with its invoice and audit trail (newest first)",
            "parameters": [ORDER_ID],
            "responses": {
                "200": _answer(
                    "the order",
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/Order"},
                            {
                                "type": "object",
                                "properties": {
                                    "last_error": NULLABLE_STRING,
                                    "audit": {"type": "array", "items": {"type": "object"}},
                                },
                            },
                        ]
                    },
                ),
                **_errors(401, 404),
            },
        }
    },
    "/api/orders/{order_id}/invoice": {
        "post": _manual(
            "Generate or update the invoice now (409: the order is deleted or unpaid)", body=True
        ),
        "delete": _manual("Delete the draft invoice in Zoho (409 with the reason otherwise)"),
    },
    "/api/invoice-numbers": {
        "get": {
            "summary": "Invoice numbers for a shop's order list",
            "parameters": [
                {
                    **_query(
                        "order_id",
                        {"type": "array", "items": {"type": "string"}},
                        "repeat for each order (1 to 200)",
                    ),
                    "required": True,
                    "explode": True,
                }
            ],
            "responses": {
                "200": _answer(
                    "order id → invoice number or null",
                    {"type": "object", "additionalProperties": NULLABLE_STRING},
                ),
                **_errors(400, 401),
            },
        }
    },
    "/api/reconcile": {
        "post": {
            "summary": "Run a reconciler pass now",
            "description": "Takes the reconciler's leader lease, as a periodic pass does: 409 "
            "`reconcile_running` while a pass runs on any replica, 409 `not_connected` before "
            "Zoho is connected and an organization chosen.",
            "responses": {
                "200": _answer("the pass's summary", {"type": "object"}),
                **_errors(401),
                "409": _answer(
                    "reconcile_running: a pass is running; not_connected: no organization yet",
                    {"$ref": "#/components/schemas/Error"},
                ),
            },
        }
    },
    "/api/preflight": {
        "get": {
            "summary": "The preflight check: each problem with its fix (zbsync check)",
            "responses": {
                "200": _answer("ok, and the problems", PREFLIGHT),
                **_errors(401, 503),
            },
        }
    },
    "/api/settings": {
        "get": {
            "summary": "The settings the console can change",
            "responses": {"200": _answer("each setting", SETTINGS), **_errors(401)},
        },
        "patch": {
            "summary": "Store settings: applied here at once, on the other replicas within "
            "SETTINGS_REFRESH seconds; a new data center or organization reloads each replica",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": SETTINGS_CHANGE}},
            },
            "responses": {
                "200": _answer("each setting, after the change", SETTINGS),
                **_errors(400, 401),
                "409": CONFIRMATION,
            },
        },
    },
}

ORGANIZATIONS: Json = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "organization_id": {"type": "string"},
            "name": {"type": "string"},
            "currency_code": NULLABLE_STRING,
            "is_default_org": {"type": "boolean"},
        },
    },
}
CONNECTION: Json = {
    "type": "object",
    "properties": {
        "connected": {"type": "boolean"},
        "data_center": {"type": "string"},
        "organization_id": NULLABLE_STRING,
        "access_token_expires_at": {**NULLABLE_STRING, "format": "date-time"},
        "last_error": NULLABLE_STRING,
    },
}
NOT_CONFIGURED = {
    "409": _answer("connecting is not configured", {"$ref": "#/components/schemas/Error"})
}

PATHS |= {
    "/oauth/connect": {
        "get": {
            "summary": "To Zoho's consent page (sets the state cookie)",
            "parameters": [
                _query("dc", {"type": "string"}, "data center (default the configured)")
            ],
            "responses": {
                "302": _answer("to Zoho's authorization URL"),
                **_errors(400, 401),
                **NOT_CONFIGURED,
            },
        }
    },
    "/oauth/callback": {
        "get": {
            "summary": "Zoho's redirect back: single-use state, Zoho accounts-server only",
            "security": [],
            "parameters": [
                _query("code", {"type": "string"}, "grant code"),
                _query("state", {"type": "string"}, "the state /oauth/connect issued"),
                _query("accounts-server", {"type": "string"}, "the data center's accounts host"),
            ],
            "responses": {
                "200": _answer(
                    "connected; the organizations the token sees",
                    {
                        "type": "object",
                        "properties": {
                            "connected": {"type": "boolean"},
                            "organizations": ORGANIZATIONS,
                        },
                    },
                ),
                **_errors(400, 502, 503),
                **NOT_CONFIGURED,
            },
        }
    },
    "/api/connection": {
        "get": {
            "summary": "The Zoho connection (never a token)",
            "responses": {"200": _answer("status", CONNECTION), **_errors(401), **NOT_CONFIGURED},
        },
        "delete": {
            "summary": "Revoke the refresh token at Zoho and forget it",
            "responses": {
                "200": _answer(
                    "false when nothing was connected",
                    {"type": "object", "properties": {"disconnected": {"type": "boolean"}}},
                ),
                **_errors(401, 503),
                **NOT_CONFIGURED,
            },
        },
    },
    "/api/organizations": {
        "get": {
            "summary": "Organizations visible to the token",
            "responses": {
                "200": _answer(
                    "organizations",
                    {"type": "object", "properties": {"organizations": ORGANIZATIONS}},
                ),
                **_errors(401, 502, 503),
                **NOT_CONFIGURED,
            },
        }
    },
}

DOCUMENT: Json = {
    "openapi": "3.1.0",
    "info": {"title": "zbsync admin API", "version": "1"},
    "components": {
        "schemas": {"Order": ORDER, "Error": ERROR},
        "securitySchemes": {"admin": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"admin": []}],
    "paths": PATHS,
}


async def openapi(_request: web.Request) -> web.Response:
    """The OpenAPI document."""
    return web.json_response(DOCUMENT)
