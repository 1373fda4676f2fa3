"""Why an order cannot be mapped: ``MappingProblem`` (the order needs a person).

``from_configuration`` tells the service whether a change of the organization's
tax or currency setup (or of the tax map) could resolve it, so such orders are
retried when the cache changes (SPEC §3); the others wait for the order to change.
"""

from __future__ import annotations

from typing import Literal

ProblemCode = Literal[
    "unmatched_tax",
    "ambiguous_tax",
    "mapped_tax_unusable",
    "currency_not_enabled",
    "non_positive_total",
]

CONFIGURATION_CODES: frozenset[ProblemCode] = frozenset(
    {"unmatched_tax", "ambiguous_tax", "mapped_tax_unusable", "currency_not_enabled"}
)


class MappingProblem(Exception):
    """An order that cannot become an invoice as it stands; ``reason`` is for a person."""

    def __init__(self, code: ProblemCode, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code: ProblemCode = code
        self.reason = reason

    @property
    def from_configuration(self) -> bool:
        """True when a change of taxes, currencies or the tax map could resolve it."""
        return self.code in CONFIGURATION_CODES
