"""What Zoho's list endpoints share: ``page``/``per_page``, ``page_context``, text filters.

Text filters come as ``<name>``, ``<name>_startswith`` and ``<name>_contains``.
The prefix and substring forms ignore case. Whether the plain form is exact or
ignores case is UNVERIFIED in the API notes: ``config.plain_filter_match``
decides, ignoring case by default because Zoho's searches generally do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .store import JsonObject
from .values import to_int

MAX_PER_PAGE = 200
TEXT_SUFFIXES = ("", "_startswith", "_contains")


def page_params(query: Mapping[str, str]) -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1-200, default 200); more is invalid."""
    page = to_int(query.get("page", "1"), "page", low=1)
    per_page = to_int(
        query.get("per_page", str(MAX_PER_PAGE)), "per_page", low=1, high=MAX_PER_PAGE
    )
    return page, per_page


def paginate(
    rows: list[JsonObject], query: Mapping[str, str], **context: Any
) -> tuple[list[JsonObject], JsonObject]:
    """One page of ``rows`` and its ``page_context`` (``has_more_page``, no total count)."""
    page, per_page = page_params(query)
    start = (page - 1) * per_page
    page_context = {
        "page": page,
        "per_page": per_page,
        "has_more_page": len(rows) > start + per_page,
        **context,
    }
    return rows[start : start + per_page], page_context


def text_matches(value: object, wanted: str, suffix: str, *, exact: bool = False) -> bool:
    """Does ``value`` match the filter ``wanted`` in the form ``suffix`` names?

    ``exact`` makes the plain form (no suffix) case-sensitive.
    """
    text = "" if value is None else str(value)
    if suffix == "" and exact:
        return text == wanted
    text, wanted = text.casefold(), wanted.casefold()
    if suffix == "_startswith":
        return text.startswith(wanted)
    if suffix == "_contains":
        return wanted in text
    return text == wanted


def text_filters(
    query: Mapping[str, str],
    fields: Mapping[str, Callable[[JsonObject], object]],
    *,
    exact: bool = False,
) -> Callable[[JsonObject], bool]:
    """A predicate for every ``<name>[_startswith|_contains]`` filter in ``query``."""
    wanted = [
        (getter, query[name + suffix], suffix)
        for name, getter in fields.items()
        for suffix in TEXT_SUFFIXES
        if name + suffix in query
    ]
    return lambda row: all(
        text_matches(get(row), value, sfx, exact=exact) for get, value, sfx in wanted
    )


def search_text(
    query: Mapping[str, str], values: Callable[[JsonObject], Iterable[object]]
) -> Callable[[JsonObject], bool]:
    """A predicate for ``search_text``: a case-blind substring of any of ``values``."""
    wanted = query.get("search_text")
    if not wanted:
        return lambda row: True
    return lambda row: any(text_matches(v, wanted, "_contains") for v in values(row))
