"""Every English text the console shows has its Italian, and the language choice reads
``Accept-Language`` as browsers send it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import worker.console
from worker.console.forms import LINE_FORM
from worker.console.labels import ACTION_LABELS, SOURCE_LABELS, STATE_LABELS
from worker.console.language import from_header, translator
from worker.console.messages import ITALIAN
from worker.console.pages import CONSENT_ERRORS
from worker.domain.console_settings import PROBLEMS

PACKAGE = Path(worker.console.__file__).parent
TEMPLATE_TEXT = re.compile(r"""\bt\(\s*(?:"([^"]+)"|'([^']+)')""")


def _template_texts() -> set[str]:
    found: set[str] = set()
    for template in (PACKAGE / "templates").glob("*.html"):
        for double, single in TEMPLATE_TEXT.findall(template.read_text()):
            found.add(double or single)
    return found


def _python_texts() -> set[str]:
    """First arguments of ``t(...)`` calls that are string literals, in the console's code."""
    found: set[str] = set()
    for module in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_text_has_its_italian() -> None:
    shown = _template_texts() | _python_texts()
    shown |= {*STATE_LABELS.values(), *SOURCE_LABELS.values(), *ACTION_LABELS.values()}
    shown |= {"stored", "stale", "No such order", "All orders", "Continue to the console"}
    shown |= {*CONSENT_ERRORS.values(), "Connecting failed: connect again."}
    shown |= {"Zoho is connected", "Zoho did not connect", *PROBLEMS, LINE_FORM}

    assert len(shown) > 100  # the extraction found the console's texts
    assert sorted(shown - ITALIAN.keys()) == []


def test_no_italian_text_is_left_over() -> None:
    shown = _template_texts() | _python_texts()
    shown |= {*STATE_LABELS.values(), *SOURCE_LABELS.values(), *ACTION_LABELS.values()}
    shown |= {"stored", "stale", "Zoho is connected", "Zoho did not connect", *PROBLEMS, LINE_FORM}
    shown |= {"No such order", "All orders", "Continue to the console"}
    shown |= {*CONSENT_ERRORS.values(), "Connecting failed: connect again."}

    assert sorted(ITALIAN.keys() - shown) == []


def test_a_translation_keeps_its_placeholders() -> None:
    for english, italian in ITALIAN.items():
        assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", italian)), english


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7", "it"),
        ("en-US,en;q=0.9", "en"),
        ("de-CH, it;q=0.3, en;q=0.2", "it"),
        ("en;q=0.2, it;q=0.8", "it"),
        ("*", "en"),
        ("", "en"),
        ("it;q=oops", "en"),
    ],
)
def test_accept_language(header: str, expected: str) -> None:
    assert from_header(header) == expected


def test_english_is_the_key_and_fields_are_filled() -> None:
    assert translator("en")("Order {number}", number="#7") == "Order #7"
    assert translator("it")("Order {number}", number="#7") == "Ordine #7"
    assert translator("it")("a text no one translated") == "a text no one translated"
