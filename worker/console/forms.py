"""The settings form: stored values as form fields, and the posted form as settings."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..domain.console_settings import Problem

TEXT_FIELDS = ("data_center", "reference_template", "discount_label", "shipping_label")


def form_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the settings form shows for ``values`` (the resolved settings)."""
    tax_map: Mapping[Decimal, str] = values["tax_map"] or {}
    return {
        **{name: values[name] or "" for name in TEXT_FIELDS},
        "auto_sync": bool(values["auto_sync"]),
        "tax_map": "\n".join(f"{rate} = {tax_id}" for rate, tax_id in sorted(tax_map.items())),
    }


LINE_FORM = "line {line}: write it as rate = tax id"


class FormRejected(ValueError):
    """A form field that cannot be read; ``field`` names it, ``problem`` says why."""

    def __init__(self, field_name: str, problem: Problem) -> None:
        super().__init__(str(problem))
        self.field, self.problem = field_name, problem


def settings_body(form: Mapping[str, str]) -> dict[str, Any]:
    """The posted settings form as a ``PATCH /api/settings`` body (JSON values)."""
    body: dict[str, Any] = {name: form.get(name, "") for name in TEXT_FIELDS}
    body["auto_sync"] = form.get("auto_sync") == "on"
    body["tax_map"] = tax_map_lines(form.get("tax_map", ""))
    return body


def tax_map_lines(text: str) -> dict[str, str]:
    """``22 = 4600…`` lines (``:`` works too) as ``{"22": "4600…"}``; blank lines are skipped."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        rate, separator, tax_id = line.replace(":", "=").partition("=")
        if not separator or not rate.strip() or not tax_id.strip():
            raise FormRejected("tax_map", Problem(LINE_FORM, {"line": number}))
        mapping[rate.strip().rstrip("%").strip()] = tax_id.strip()
    return mapping


def shown(form: Mapping[str, str]) -> dict[str, Any]:
    """The posted form as the form shows it again after a refusal."""
    return {
        **{name: form.get(name, "") for name in TEXT_FIELDS},
        "auto_sync": form.get("auto_sync") == "on",
        "tax_map": form.get("tax_map", ""),
    }
