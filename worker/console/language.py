"""The console's language: asked for (``?lang=``), remembered in a cookie, else the
browser's ``Accept-Language``, else English."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from .messages import CATALOG

LANGUAGES = tuple(CATALOG)  # ("en", "it")
DEFAULT = "en"
COOKIE = "zbsync_lang"


def choose(request: web.Request) -> str:
    """The language to answer ``request`` in."""
    for asked in (request.query.get("lang"), request.cookies.get(COOKIE)):
        if asked in LANGUAGES:
            return asked
    return from_header(request.headers.get("Accept-Language", ""))


def from_header(header: str) -> str:
    """The best of ``LANGUAGES`` by an ``Accept-Language`` header (``it-IT,it;q=0.9,en;q=0.8``)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        quality = _quality(params)
        if primary in LANGUAGES and quality > 0:  # q=0: not acceptable
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT


def _quality(params: str) -> float:
    name, _, value = params.strip().partition("=")
    if name.strip() != "q":
        return 1.0
    try:
        return float(value)
    except ValueError:
        return 0.0


def translator_for(request: web.Request) -> Translate:
    """``translator`` in the language of ``request``."""
    return translator(choose(request))


def translator(language: str) -> Translate:
    """``t(text, **fields)``: ``text`` in ``language`` (English is the key), filled in."""
    table = CATALOG[language]

    def t(text: str, /, **fields: object) -> str:
        translated = table.get(text, text)
        return translated.format(**fields) if fields else translated

    return t


class Translate(Protocol):
    """``t(text, **fields)``: ``text`` translated and filled in."""

    def __call__(self, text: str, /, **fields: object) -> str:
        """``text`` translated."""
        ...
