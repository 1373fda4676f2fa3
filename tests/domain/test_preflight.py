"""The preflight check: each kind of problem, with its fix; none when orders can be invoiced."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.support.mapping import CATALOG, TAXES
from worker.domain.preflight import (
    ConnectionFacts,
    PreflightFacts,
    Problem,
    preflight,
    unreadable_connection,
)
from worker.domain.problems import MappingProblem
from worker.domain.scopes import NEEDED_OPERATIONS, REQUIRED_SCOPES, scope_granted, scope_name
from worker.domain.taxes import choose_tax
from worker.zoho.consent import SCOPES

D = Decimal
CONNECTED = ConnectionFacts("connected", "eu")
READY = PreflightFacts(
    connection=CONNECTED,
    configured_data_center="eu",
    organization_id="org-1",
    catalog=CATALOG,
    rates_seen=frozenset({D(22), D(10), D(0), D(5), D(7)}),
    currencies_seen=frozenset({"EUR", "usd"}),
    tax_map={D(10): "t10"},
    scopes=frozenset(REQUIRED_SCOPES),
)


def _codes(problems: list[Problem]) -> list[str]:
    return [problem.code for problem in problems]


def test_nothing_to_fix() -> None:
    assert preflight(READY) == []


def test_not_connected_says_how_to_connect_and_checks_nothing_else() -> None:
    problems = preflight(replace(READY, connection=None, rates_seen=frozenset({D(19)})))
    assert _codes(problems) == ["not_connected"]
    assert "ZBSYNC_ZOHO_REFRESH_TOKEN" in problems[0].fix


def test_broken_connection_names_the_reason() -> None:
    broken = ConnectionFacts("broken", "eu", "Zoho refused the refresh token")
    [problem] = preflight(replace(READY, connection=broken))
    assert problem.code == "connection_broken"
    assert "Zoho refused the refresh token" in problem.message
    assert "connect Zoho again" in problem.fix


def test_data_center_other_than_configured() -> None:
    [problem] = preflight(replace(READY, configured_data_center="com"))
    assert problem.code == "data_center_mismatch"
    assert "'eu'" in problem.message
    assert "'com'" in problem.message
    assert "ZBSYNC_ZOHO_DATA_CENTER" in problem.fix


def test_no_organization_chosen() -> None:
    [problem] = preflight(replace(READY, organization_id=None, catalog=None))
    assert problem.code == "no_organization"
    assert "ZBSYNC_ZOHO_ORGANIZATION_ID" in problem.fix


def test_organization_that_could_not_be_read() -> None:
    facts = replace(READY, catalog=None, organization_error="code 57: not authorised")
    [problem] = preflight(facts)
    assert problem.code == "organization_unreachable"
    assert "org-1" in problem.message
    assert "code 57" in problem.message
    assert problem.fix


def test_an_organization_that_refused_the_token_asks_for_the_scopes() -> None:
    facts = replace(
        READY, catalog=None, organization_error="code 57: not authorised", organization_refused=True
    )
    [problem] = preflight(facts)
    assert problem.code == "not_authorised"
    assert "org-1" in problem.message
    assert ",".join(REQUIRED_SCOPES) in problem.fix


def test_a_rate_with_no_active_tax() -> None:
    [problem] = preflight(replace(READY, rates_seen=frozenset({D(22), D(21)})))
    assert problem.code == "unmatched_tax"
    assert "21%" in problem.message
    assert problem.fix == "add or activate one in Zoho Books (Settings > Taxes)"


def test_a_rate_with_two_taxes_and_no_default_needs_the_tax_map() -> None:
    [problem] = preflight(replace(READY, rates_seen=frozenset({D(10)}), tax_map={}))
    assert problem.code == "ambiguous_tax"
    assert "t10" in problem.message
    assert "t10f" in problem.message
    assert problem.fix == "choose one in the tax map"


def test_a_tax_map_entry_is_checked_even_when_no_order_has_the_rate() -> None:
    facts = replace(READY, rates_seen=frozenset(), tax_map={D(21): "t21"})
    [problem] = preflight(facts)
    assert problem.code == "mapped_tax_unusable"
    assert "inactive" in problem.message
    assert problem.fix == "fix the tax map"


@pytest.mark.parametrize("rate", [D(0), D(22), D(5), D(7), D(10), D(21), D(19), D(4)])
def test_a_rate_passes_exactly_when_mapping_finds_its_tax(rate: Decimal) -> None:
    tax_map = {D(10): "t10"}
    try:
        choose_tax(rate, TAXES, tax_map=tax_map)
        mapped = True
    except MappingProblem:
        mapped = False
    facts = replace(READY, rates_seen=frozenset({rate}), tax_map=tax_map)
    assert (preflight(facts) == []) is mapped


def test_a_currency_not_enabled() -> None:
    [problem] = preflight(replace(READY, currencies_seen=frozenset({"EUR", "GBP"})))
    assert problem.code == "currency_not_enabled"
    assert "GBP" in problem.message
    assert problem.fix == "enable GBP in Zoho Books (Settings > Currencies)"


def test_missing_scopes_are_named() -> None:
    granted = frozenset({"ZohoBooks.invoices.ALL", "ZohoBooks.settings.READ"})
    [problem] = preflight(replace(READY, scopes=granted))
    assert problem.code == "missing_scopes"
    assert "ZohoBooks.contacts.CREATE, ZohoBooks.contacts.READ" in problem.message
    assert "ZohoBooks.contacts.UPDATE" in problem.fix


def test_the_scopes_our_connect_flow_asks_for_pass() -> None:
    asked = frozenset(SCOPES.split(","))
    assert preflight(replace(READY, scopes=asked)) == []


def test_module_wide_scopes_pass() -> None:
    granted = frozenset(
        {"ZohoBooks.contacts.ALL", "ZohoBooks.invoices.ALL", "zohobooks.settings.all"}
    )
    assert preflight(replace(READY, scopes=granted)) == []
    assert preflight(replace(READY, scopes=frozenset({"ZohoBooks.fullaccess.all"}))) == []


def test_a_token_without_invoice_delete_is_told_to_reconnect() -> None:
    granted = frozenset(SCOPES.split(",")) - {"ZohoBooks.invoices.DELETE"}
    [problem] = preflight(replace(READY, scopes=granted))
    assert problem.code == "missing_scopes"
    assert problem.message == "the Zoho token lacks ZohoBooks.invoices.DELETE"
    assert "connect Zoho again" in problem.fix
    assert "ZohoBooks.invoices.DELETE" in problem.fix


def test_every_needed_operation_is_asked_for_and_checked() -> None:
    assert ",".join(scope_name(m, op) for m, op in NEEDED_OPERATIONS) == SCOPES
    assert set(REQUIRED_SCOPES) == set(SCOPES.split(","))


def test_unknown_scopes_are_not_a_problem() -> None:
    assert preflight(replace(READY, scopes=None)) == []


@pytest.mark.parametrize(
    ("granted", "needed", "expected"),
    [
        ({"ZohoBooks.settings.READ"}, "ZohoBooks.settings.READ", True),
        ({"zohobooks.settings.all"}, "ZohoBooks.settings.READ", True),
        ({"ZohoBooks.fullaccess.all"}, "ZohoBooks.invoices.ALL", True),
        ({"ZohoBooks.invoices.READ"}, "ZohoBooks.invoices.ALL", False),
        ({"ZohoBooks.contacts.ALL"}, "ZohoBooks.invoices.ALL", False),
    ],
)
def test_scope_granted(granted: set[str], needed: str, expected: bool) -> None:
    assert scope_granted(granted, needed) is expected


def test_every_problem_is_listed_at_once() -> None:
    facts = replace(
        READY,
        rates_seen=frozenset({D(21), D(19)}),
        currencies_seen=frozenset({"GBP"}),
        scopes=frozenset(),
    )
    assert _codes(preflight(facts)) == [
        "missing_scopes",
        "unmatched_tax",
        "unmatched_tax",
        "currency_not_enabled",
    ]


def test_unreadable_tokens_say_which_key_to_restore() -> None:
    problem = unreadable_connection("a stored Zoho token cannot be decrypted")
    assert problem.code == "connection_unreadable"
    assert "ZBSYNC_SECRET_KEY" in problem.fix
