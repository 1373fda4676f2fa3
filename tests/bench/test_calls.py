"""Reading the call log: writes, reads, created invoices, and lookups after a lost answer."""

from __future__ import annotations

from typing import Any

from bench.calls import CallFigures


def _call(request_class: str, status: int | None = 200, **extra: Any) -> dict[str, Any]:
    return {"request_class": request_class, "status": status, "query": {}, "code": 0, **extra}


def _lookup(reference: str) -> dict[str, Any]:
    return _call("invoices.list", query={"reference_number": reference, "page": "1"})


def test_a_lookup_counts_apart_only_after_a_create_of_its_reference_lost_its_answer() -> None:
    calls = CallFigures.of([
        _call("oauth.token"),
        _lookup("ORD-1"),
        _call("invoices.create", 500, fault="applied_then_500", body={"reference_number": "ORD-1"}),
        _lookup("ORD-1"),
        _lookup("ORD-2"),
        _call("invoices.create", 201, body={"reference_number": "ORD-2"}),
        _call("invoices.create", None, fault="applied_then_reset",
              body={"reference_number": "ORD-3"}),
        _call("invoices.list", query={"page": "1"}),
    ])  # fmt: skip

    assert calls.total == 7  # the token call is not a Books call
    assert calls.created_invoices == 3  # answered or not, each took effect
    assert calls.lookups_after_unknown == 1
    assert calls.list_pages == 1
    assert calls.writes == 3
    assert calls.reads == 7 - 3 - 1


def test_contact_creates_refused_for_a_taken_name_are_counted() -> None:
    calls = CallFigures.of([
        _call("contacts.create", 400, code=3062),
        _call("contacts.create", 201),
    ])  # fmt: skip

    assert calls.refused_3062 == 1
    assert calls.by_class() == {"contacts.create": 2}
