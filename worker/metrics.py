"""Prometheus metrics the worker exports on ``/metrics`` (SPEC §10; docs/metrics.md).

Defined once per process in prometheus-client's default registry: a reload of the replica
(``worker.app``) builds new parts that count into the same series, never registers again.
Counters and histograms are counted where things happen; the gauges read from MongoDB
(orders by state, budget left) are set just before a scrape answers
(``worker.bootstrap.scrape``).
"""

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
DEAD_LETTER_QUEUE = Gauge(
    "zbsync_dead_letter_queue_messages",
    "Messages waiting in the dead-letter queue: the worker's dead letters and the broker's "
    "(a delivery limit reached), until someone looks at them.",
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
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
EVENT_TO_INVOICE_SECONDS = Histogram(
    "zbsync_event_to_invoice_seconds",
    "From a replica storing an order's event (the consumer's acknowledgement) to the end of "
    "the Zoho create or update that carried it, by the lane of the pass.",
    ["lane"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400),
)
ORDERS = Gauge(
    "zbsync_orders",
    "Stored orders by state (all replicas' orders: read from MongoDB at scrape, cached briefly).",
    ["state"],
)
BUDGET_LEFT = Gauge(
    "zbsync_zoho_budget_left",
    "Zoho requests still allowed in the current minute window / today, per organization "
    "(shared by every replica; read at scrape).",
    ["organization", "window"],
)
BUDGET_LIMIT = Gauge(
    "zbsync_zoho_budget_limit",
    "Zoho requests allowed per minute window / per day, per organization.",
    ["organization", "window"],
)
BUDGET_IN_FLIGHT = Gauge(
    "zbsync_zoho_budget_in_flight",
    "Zoho requests in flight across every replica, per organization.",
    ["organization"],
)
INVOICE_UPSERT = Gauge(
    "zbsync_invoice_upsert",
    "1 when creates upsert by the unique invoice custom field, 0 when they look up first "
    "(ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD set; see the log for why).",
    ["organization"],
)
ZOHO_CONNECTION = Gauge(
    "zbsync_zoho_connection",
    "1 for the stored Zoho connection's state (connected, not_connected, broken, "
    "minting_paused, unreadable), 0 for the others (read at scrape).",
    ["state"],
)
