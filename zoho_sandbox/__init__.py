"""A Zoho Books emulator: Zoho Accounts (OAuth) and the Books API over real HTTP on loopback.

It enforces what Zoho enforces (tokens and scopes, rate and daily limits,
concurrency, request schemas), injects the failures Zoho shows (faults, list
lag, 429 storms) and has a control API under ``/_sandbox``. It shares no code
with ``worker``, the client it tests.

The public surface is what this module exports; every other module is internal.
Request-body validation needs the ``[sandbox]`` extra
(``pip install 'zoho-books-sync[sandbox]'``).
"""

from __future__ import annotations

from . import totals
from .config import FaultRule, InvoiceCustomField, OAuthClient, SandboxConfig
from .openapi_check import request_validators
from .server import RunningSandbox, serve_forever, serving

__all__ = [
    "FaultRule",
    "InvoiceCustomField",
    "OAuthClient",
    "RunningSandbox",
    "SandboxConfig",
    "request_validators",
    "serve_forever",
    "serving",
    "totals",
]
