"""Settings the console can change, their validation, and which value wins (SPEC §9).

A stored value (set through ``PATCH /api/settings``) wins over the environment, except
when the environment's value changed since the worker last saw it: then the
environment wins again and the stored value is forgotten. Most settings apply
live; the data center and the organization when the replica is built again (a reload).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

DATA_CENTERS = ("com", "eu", "in", "com.au", "jp", "ca", "com.cn", "sa")
REFERENCE_FIELDS = frozenset({"id", "number"})
LABEL_MAX, TEMPLATE_MAX = 60, 50

# The console's names; bootstrap maps them onto ``Settings``.
FIELDS = (
    "data_center",
    "organization_id",
    "auto_sync",
    "reference_template",
    "discount_label",
    "shipping_label",
    "tax_map",
)

# Applied by building the replica again (``zbsync run`` reloads it in process): they choose the
# Zoho client and the per-organization caches. The others apply live
# (``worker.bootstrap.live_settings``).
RESTART_FIELDS = frozenset({"data_center", "organization_id"})
LIVE_FIELDS = tuple(name for name in FIELDS if name not in RESTART_FIELDS)

Values = Mapping[str, Any]  # field name → value (``tax_map``: dict[Decimal, str])
Source = Literal["console", "environment", "default"]


@dataclass(frozen=True)
class Problem:
    """What is wrong with a value: an English ``template`` and its ``fields``, so the console
    can show it in its own language (``str`` gives the English)."""

    template: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template.format(**self.fields) if self.fields else self.template


# Every problem a setting can have (the console's Italian covers each).
NOT_A_SETTING = "not a setting the console can change"
ONE_OF = "one of {choices}"
ORGANIZATION_ID = "a Zoho organization id (a string of digits) or null"
TRUE_OR_FALSE = "true or false"
TEXT_OF = "a text of 1 to {most} characters"
# Without fields a template is shown as it is: these braces are literal.
UNBALANCED = "unbalanced braces; placeholders are {id} and {number}"
UNKNOWN_PLACEHOLDER = "only the placeholders {id} and {number} are allowed"
TAX_MAP_OBJECT = 'an object of VAT rate to Zoho tax id, e.g. {"22": "46000"}'
RATE = "a rate is a non-negative decimal, e.g. 22"
TAX_ID = "a Zoho tax id, not empty"
PROBLEMS = (
    NOT_A_SETTING,
    ONE_OF,
    ORGANIZATION_ID,
    TRUE_OR_FALSE,
    TEXT_OF,
    UNBALANCED,
    UNKNOWN_PLACEHOLDER,
    TAX_MAP_OBJECT,
    RATE,
    TAX_ID,
)


class SettingRejected(ValueError):
    """A value a setting cannot take; ``field`` names it, ``problem`` says why."""

    def __init__(self, field_name: str, problem: Problem) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field, self.problem, self.message = field_name, problem, str(problem)


def reference_template_problem(template: str) -> Problem | None:
    """Why ``template`` is no reference template, or None."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return Problem(UNBALANCED)
    if names - REFERENCE_FIELDS or "" in names:
        return Problem(UNKNOWN_PLACEHOLDER)
    return None


def parse_value(name: str, raw: object) -> Any:
    """``raw`` (as JSON gave it) as the value of setting ``name``; ``SettingRejected`` if not."""
    if name not in FIELDS:
        raise SettingRejected(name, Problem(NOT_A_SETTING))
    return _PARSERS[name](name, raw)


def _data_center(name: str, raw: object) -> str:
    if raw not in DATA_CENTERS:
        raise SettingRejected(name, Problem(ONE_OF, {"choices": ", ".join(DATA_CENTERS)}))
    return str(raw)


def _organization_id(name: str, raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str | int) or isinstance(raw, bool) or not str(raw).strip():
        raise SettingRejected(name, Problem(ORGANIZATION_ID))
    text = str(raw).strip()
    if not text.isdigit():
        raise SettingRejected(name, Problem(ORGANIZATION_ID))
    return text


def _auto_sync(name: str, raw: object) -> bool:
    if not isinstance(raw, bool):
        raise SettingRejected(name, Problem(TRUE_OR_FALSE))
    return raw


def _reference_template(name: str, raw: object) -> str:
    if not isinstance(raw, str) or not 1 <= len(raw) <= TEMPLATE_MAX:
        raise SettingRejected(name, Problem(TEXT_OF, {"most": TEMPLATE_MAX}))
    problem = reference_template_problem(raw)
    if problem is not None:
        raise SettingRejected(name, problem)
    return raw


def _label(name: str, raw: object) -> str:
    if not isinstance(raw, str) or not 1 <= len(raw.strip()) <= LABEL_MAX:
        raise SettingRejected(name, Problem(TEXT_OF, {"most": LABEL_MAX}))
    return raw.strip()


def _tax_map(name: str, raw: object) -> dict[Decimal, str]:
    if not isinstance(raw, dict):
        raise SettingRejected(name, Problem(TAX_MAP_OBJECT))
    parsed: dict[Decimal, str] = {}
    for key, value in raw.items():
        rate = parse_rate(str(key))
        if rate is None:
            raise SettingRejected(f"{name}.{key}", Problem(RATE))
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            raise SettingRejected(f"{name}.{key}", Problem(TAX_ID))
        parsed[rate] = str(value).strip()
    return parsed


def parse_rate(text: str) -> Decimal | None:
    """A tax-map key as a normalised rate ("22.0" → 22), or None when it is none."""
    try:
        rate = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not rate.is_finite() or rate < 0:
        return None
    return rate.normalize() if rate != rate.to_integral_value() else rate.quantize(Decimal(1))


_PARSERS = {
    "data_center": _data_center,
    "organization_id": _organization_id,
    "auto_sync": _auto_sync,
    "reference_template": _reference_template,
    "discount_label": _label,
    "shipping_label": _label,
    "tax_map": _tax_map,
}


@dataclass(frozen=True)
class StoredSettings:
    """What MongoDB holds: the console's values and the environment last seen at a start."""

    values: Values = field(default_factory=dict)
    environment_seen: Values | None = None  # None: no worker started since settings existed


@dataclass(frozen=True)
class Resolution:
    """The values to run with, where each came from, and what start-up does about it."""

    values: dict[str, Any]
    sources: dict[str, Source]
    forget: frozenset[str]  # stored values the changed environment replaces
    notes: tuple[str, ...]  # for the log: field names only, never values


def resolve(
    stored: StoredSettings, environment: Values, explicit: frozenset[str] = frozenset()
) -> Resolution:
    """Which value of each setting wins; ``explicit``: fields the environment set (else
    its value is the default)."""
    values: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    forget: set[str] = set()
    notes: list[str] = []
    seen = stored.environment_seen
    for name in FIELDS:
        env_source: Source = "environment" if name in explicit else "default"
        if name not in stored.values:
            values[name], sources[name] = environment.get(name), env_source
        elif seen is not None and name in seen and seen[name] != environment.get(name):
            values[name], sources[name] = environment.get(name), env_source
            forget.add(name)
            notes.append(
                f"{name}: the environment changed since the last start, so its value "
                "replaces the one set in the console"
            )
        else:
            values[name], sources[name] = stored.values[name], "console"
    return Resolution(values, sources, frozenset(forget), tuple(notes))
