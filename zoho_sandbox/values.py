"""Reading loosely typed request values (query strings and JSON) the way Zoho accepts them.

Zoho takes numbers as JSON numbers or numeric strings and booleans as
``true``/``false`` in either form; anything else is "Invalid value passed for <field>".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from .envelope import ZohoError, invalid_value


def to_decimal(value: object, field: str) -> Decimal:
    """A finite ``Decimal`` from a JSON number or numeric string."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise invalid_value(field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise invalid_value(field) from exc
    if not number.is_finite():
        raise invalid_value(field)
    return number


def to_bool(value: object, field: str) -> bool:
    """A boolean from ``true``/``false`` (JSON or text)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid_value(field)


def to_int(value: object, field: str, *, low: int | None = None, high: int | None = None) -> int:
    """An integer within ``low``..``high`` from a JSON integer or digit string."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise invalid_value(field)
    try:
        number = int(value)
    except ValueError as exc:
        raise invalid_value(field) from exc
    if (low is not None and number < low) or (high is not None and number > high):
        raise invalid_value(field)
    return number


def to_date(value: object, field: str) -> date:
    """A ``yyyy-mm-dd`` date."""
    if not isinstance(value, str) or len(value) != 10:
        raise invalid_value(field)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise invalid_value(field) from exc


def to_text(value: object, field: str, *, max_length: int | None = None) -> str:
    """A string, at most ``max_length`` characters (Zoho's code 15 beyond that)."""
    if not isinstance(value, str):
        raise invalid_value(field)
    if max_length is not None and len(value) > max_length:
        raise ZohoError(
            400, 15, f"Please ensure that the {field} has less than {max_length} characters."
        )
    return value
