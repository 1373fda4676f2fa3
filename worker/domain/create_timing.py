"""When a create whose outcome is unknown may be looked up, and when a create may leave.

Zoho's invoice list can lag behind a create. After a create's answer was lost
the invoice may exist without being listed yet, so a lookup that comes too
early finds nothing and a second create follows. The rules (SPEC §3):

- an intent whose request never left needs no lookup;
- after an unknown outcome, wait ``list_lag_wait`` counted from when the outcome
  became unknown, and never less than the request timeout after it left;
- a replica that takes over an order with another replica's intent treats the
  outcome as unknown from that replica's lease expiry: until then the other
  replica could still have been sending.
"""

from __future__ import annotations


def lookup_ready_at_ms(
    *, sent_ms: int, unknown_at_ms: int, list_lag_wait_ms: int, request_timeout_ms: int
) -> int:
    """The earliest moment a lookup can trust Zoho's list to show the create."""
    return max(unknown_at_ms + list_lag_wait_ms, sent_ms + request_timeout_ms)


def unknown_since_takeover_ms(
    *, sent_ms: int, previous_lease_until_ms: int, request_timeout_ms: int
) -> int:
    """When another replica's create became unknown to the replica that takes the order over.

    The previous holder may have sent until its lease expired (a create leaves only
    while the lease holds for longer than the request can take); a released lease
    (expiry 0) still leaves the request its timeout.
    """
    return max(previous_lease_until_ms, sent_ms + request_timeout_ms)


def may_send(*, now_ms: int, lease_until_ms: int, request_timeout_ms: int) -> bool:
    """A write may leave only while the lease holds for longer than the request can take."""
    return lease_until_ms - now_ms > request_timeout_ms


def request_timeout_ms(lease_ttl_ms: int, ceiling_ms: int = 20_000) -> int:
    """Zoho requests time out within half the order lease, so a fresh lease outlasts them."""
    return min(ceiling_ms, lease_ttl_ms // 2)
