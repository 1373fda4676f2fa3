"""Assembles the Zoho Books sandbox: one aiohttp app with Zoho Accounts and Books endpoints.

Requests pass, outermost first: the call log (records every request and what it
got), the error envelope (``ZohoError`` -> Zoho's JSON), the gate (token,
``organization_id``, rate limits, injected faults) and the OpenAPI body check;
then the resource handler. Each route's name is its *request class*
(``invoices.create``, ``oauth.token``, ...): faults and the call log key on it.
"""

from __future__ import annotations

from collections import Counter

from aiohttp import web

from . import (
    accounts,
    books_control,
    calls,
    contacts,
    control,
    currencies,
    custom_field_settings,
    gate,
    invoice_upsert,
    invoices,
    openapi_check,
    organizations,
    seed,
    taxes,
)
from .clock import SandboxClock
from .config import SandboxConfig
from .envelope import error_middleware
from .keys import CLOCK, CONFIG, COUNTERS, STORE


def build_app(config: SandboxConfig | None = None) -> web.Application:
    """A ready sandbox app with the seeded organization."""
    config = config or SandboxConfig()
    app = web.Application(
        middlewares=[
            calls.call_log_middleware,
            error_middleware,
            gate.gate_middleware,
            openapi_check.validation_middleware,
        ],
        client_max_size=2 * 1024 * 1024,
    )
    clock = SandboxClock(config.time_scale)
    app[CONFIG] = config
    app[CLOCK] = clock
    app[STORE] = seed.seeded_store(config, clock)
    app[COUNTERS] = Counter()
    for part in (calls, gate, accounts, openapi_check, control):
        part.setup(app)
    resources = (
        organizations,
        contacts,
        invoices,
        invoice_upsert,
        taxes,
        currencies,
        custom_field_settings,
        books_control,
    )
    for resource in resources:
        app.router.add_routes(resource.routes)
    return app
