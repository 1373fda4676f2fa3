"""Prometheus metrics the worker exports on ``/metrics`` (SPEC §10)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ZOHO_CALLS = Counter(
    "zbsync_zoho_calls",
    "Zoho Books API calls by request class and HTTP status (or unreachable / no_answer).",
    ["endpoint", "status"],
)
ZOHO_CALL_SECONDS = Histogram(
    "zbsync_zoho_call_seconds",
    "Zoho Books API call latency by request class.",
    ["endpoint"],
)
TOKEN_REFRESHES = Counter(
    "zbsync_zoho_token_refreshes",
    "Access-token mints attempted, by outcome.",
    ["outcome"],
)
EVENTS = Counter(
    "zbsync_events",
    "Order events consumed, by routing key and outcome (stored, stale, dead_lettered, returned).",
    ["type", "outcome"],
)
DEAD_LETTERED = Counter(
    "zbsync_dead_lettered",
    "Messages republished to the dead-letter exchange, by reason.",
    ["reason"],
)
RECONCILER_PASSES = Counter(
    "zbsync_reconciler_passes",
    "Reconciler passes run, periodic or manual.",
    ["kind"],
)
RECONCILER_ORDERS = Counter(
    "zbsync_reconciler_orders",
    "Orders handled by reconciler passes, by result (found, synced, failed, skipped, requeued).",
    ["result"],
)
RECONCILER_SECONDS = Histogram(
    "zbsync_reconciler_pass_seconds",
    "Duration of reconciler passes.",
)
INVOICE_UPSERT = Gauge(
    "zbsync_invoice_upsert",
    "1 when creates upsert by the unique invoice custom field, 0 when they look up first "
    "(ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD set; see the log for why).",
    ["organization"],
)
