"""The OpenAPI document describes exactly the routes the API serves, and is valid 3.1."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.api.conftest import Api
from worker.api.app import ROUTES
from worker.api.openapi import DOCUMENT


def test_every_route_is_documented_and_every_documented_path_routed() -> None:
    routed = {(r.method.lower(), r.path) for r in ROUTES}
    documented = {(method, path) for path, item in DOCUMENT["paths"].items() for method in item}
    assert routed == documented


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(DOCUMENT)


async def test_the_document_is_served(api: Api) -> None:
    assert await api.call("GET", "/api/openapi.json") == (200, DOCUMENT)
