"""Rate to Zoho tax (SPEC §4 "Tax"): a match, an exemption, nothing, or a problem; never a guess.

- absent rate: the line is untaxed;
- zero rate: no tax, or the configured zero-rate exemption as ``tax_exemption_id``;
- otherwise the candidates are the active single (or compound) taxes of exactly
  that percentage, or, only when there is none, the active tax groups of it;
- the explicit tax map (percentage -> tax id) wins when it names a rate; a
  mapped tax that is missing, inactive or of another percentage is a problem,
  not a silent fallback;
- one candidate is the match; several go to Zoho's default tax among them,
  else ``ambiguous_tax`` naming them; none is ``unmatched_tax`` naming the rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .catalog import TaxInfo
from .money import ZERO, percent_text
from .problems import MappingProblem


@dataclass(frozen=True)
class TaxChoice:
    """What a line carries: a tax, an exemption id, or neither (untaxed)."""

    tax: TaxInfo | None = None
    exemption_id: str | None = None

    @property
    def percentage(self) -> Decimal:
        """The percentage Zoho will apply to the line."""
        return self.tax.percentage if self.tax else ZERO

    def fields(self) -> dict[str, str]:
        """The line fields: ``tax_id`` or ``tax_exemption_id``, or none."""
        if self.tax is not None:
            return {"tax_id": self.tax.tax_id}
        if self.exemption_id:
            return {"tax_exemption_id": self.exemption_id}
        return {}


UNTAXED = TaxChoice()


def choose_tax(
    rate: Decimal | None,
    taxes: Sequence[TaxInfo],
    *,
    tax_map: Mapping[Decimal, str],
    zero_rate_exemption_id: str | None = None,
) -> TaxChoice:
    """The tax for a line of ``rate`` percent, or ``MappingProblem`` saying why there is none."""
    if rate is None:
        return UNTAXED
    if rate == ZERO:
        return TaxChoice(exemption_id=zero_rate_exemption_id or None)
    mapped = tax_map.get(rate)
    if mapped is not None:
        return TaxChoice(_mapped(rate, mapped, taxes))
    return TaxChoice(_only_candidate(rate, candidates(rate, taxes)))


def candidates(rate: Decimal, taxes: Sequence[TaxInfo]) -> list[TaxInfo]:
    """Active taxes of exactly ``rate`` percent; tax groups only when no single tax matches."""
    same = [t for t in taxes if t.active and t.percentage == rate]
    singles = [t for t in same if t.kind != "tax_group"]
    return singles or [t for t in same if t.kind == "tax_group"]


def _mapped(rate: Decimal, tax_id: str, taxes: Sequence[TaxInfo]) -> TaxInfo:
    found = next((t for t in taxes if t.tax_id == tax_id), None)
    if found is not None and found.active and found.percentage == rate:
        return found
    state = _unusable_because(found)
    raise MappingProblem(
        "mapped_tax_unusable",
        f"the tax map sends {percent_text(rate)} to tax {tax_id}, which {state} in Zoho; "
        "fix the tax map",
    )


def _unusable_because(found: TaxInfo | None) -> str:
    if found is None:
        return "does not exist"
    if not found.active:
        return "is inactive"
    return f"is {percent_text(found.percentage)}"


def _only_candidate(rate: Decimal, found: list[TaxInfo]) -> TaxInfo:
    if len(found) == 1:
        return found[0]
    if not found:
        raise MappingProblem(
            "unmatched_tax",
            f"no active Zoho tax of {percent_text(rate)}; add or activate one in Zoho Books "
            "(Settings > Taxes)",
        )
    defaults = [t for t in found if t.is_default]
    if len(defaults) == 1:
        return defaults[0]
    names = ", ".join(f"{t.name} ({t.tax_id})" for t in found)
    raise MappingProblem(
        "ambiguous_tax",
        f"{len(found)} active Zoho taxes of {percent_text(rate)}: {names}; "
        "choose one in the tax map",
    )


def tax_map_from(raw: Mapping[str, str]) -> dict[Decimal, str]:
    """The tax map from settings (``{"22": "<tax id>", "10%": ...}``), keyed by ``Decimal``.

    Raises ``ValueError`` naming a key that is not a percentage.
    """
    parsed: dict[Decimal, str] = {}
    for key, tax_id in raw.items():
        try:
            rate = Decimal(str(key).strip().rstrip("%").strip())
        except InvalidOperation:
            raise ValueError(f"tax map key {key!r} is not a percentage") from None
        if not rate.is_finite() or rate < ZERO:
            raise ValueError(f"tax map key {key!r} is not a percentage")
        parsed[rate] = str(tax_id)
    return parsed
