"""The Zoho Books OAuth scopes the worker needs: one list, which both the consent request and
the preflight's scope check derive from (API notes §2.2).

A scope is ``ZohoBooks.<module>.<OPERATION>``; ``<module>.ALL`` covers every operation of its
module and ``ZohoBooks.fullaccess.all`` covers everything. Zoho compares them case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable

# What the worker calls: contacts created, read and updated; invoices created, read, updated
# and deleted (drafts); taxes, currencies and organizations read.
NEEDED_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("contacts", "CREATE"),
    ("contacts", "READ"),
    ("contacts", "UPDATE"),
    ("invoices", "CREATE"),
    ("invoices", "READ"),
    ("invoices", "UPDATE"),
    ("invoices", "DELETE"),
    ("settings", "READ"),
)
PREFIX = "ZohoBooks"
FULL_ACCESS = f"{PREFIX}.fullaccess.all"


def scope_name(module: str, operation: str) -> str:
    """``ZohoBooks.<module>.<operation>``."""
    return f"{PREFIX}.{module}.{operation}"


REQUIRED_SCOPES: tuple[str, ...] = tuple(scope_name(m, op) for m, op in NEEDED_OPERATIONS)


def scope_granted(granted: Iterable[str], needed: str) -> bool:
    """Whether ``needed`` is covered: itself, its module's ``ALL``, or full access."""
    module = needed.rsplit(".", 1)[0]
    accepted = {needed.lower(), f"{module}.all".lower(), FULL_ACCESS.lower()}
    return any(scope.strip().lower() in accepted for scope in granted)


def missing_scopes(granted: Iterable[str]) -> list[str]:
    """The needed scopes ``granted`` does not cover, in ``REQUIRED_SCOPES`` order."""
    have = list(granted)
    return [scope for scope in REQUIRED_SCOPES if not scope_granted(have, scope)]


# Books paths by first segment: taxes, currencies, custom fields and organizations are settings.
_MODULES = {"contacts": "contacts", "invoices": "invoices", "settings": "settings"}
_MODULES["organizations"] = "settings"
_OPERATIONS = {"GET": "READ", "POST": "CREATE", "PUT": "UPDATE", "DELETE": "DELETE"}


def scope_for_request(method: str, path: str) -> str | None:
    """The scope a Books request needs (Zoho's OpenAPI ties POST to CREATE, even a status
    change, and PUT to UPDATE, even an upsert); None for a path outside what the worker calls."""
    module = _MODULES.get(path.strip("/").split("/", 1)[0])
    operation = _OPERATIONS.get(method.upper())
    if module is None or operation is None:
        return None
    return scope_name(module, operation)


def refused_reason(error: str, scope: str | None) -> str:
    """Why an order needs attention after Zoho refused the token (code 57), with the fix."""
    lacking = f"the token lacks {scope}, or " if scope else "the token lacks a scope, or "
    return (
        f"Zoho refused the operation ({error}): {lacking}the connected Zoho user may not do "
        f"this in the organization; connect Zoho again from the console (Connection) granting "
        f"{','.join(REQUIRED_SCOPES)} (or set a new ZBSYNC_ZOHO_REFRESH_TOKEN with them), "
        "then Generate the order again"
    )
