"""The ``zbsync`` command line: help that says what, with which defaults and which exit codes."""

from __future__ import annotations

import argparse
from importlib import metadata

import pytest

from worker.cli import HANDLERS, main
from worker.cli_parser import build_parser

COMMANDS = sorted(build_parser()[1])


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_every_command_the_parser_knows_has_a_handler() -> None:
    assert sorted(HANDLERS) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_a_description_defaults_and_exit_codes(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = build_parser()[1][command]

    text = _help(capsys, command)

    assert parser.description, f"zbsync {command} has no description"
    assert parser.description.split()[0] in text
    assert "exit status:" in text
    assert "\n  0  " in text
    assert "\n  2  " in text
    for action in parser._actions:
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
            assert f"(default: {action.default})" in text, f"{action.dest} hides its default"


def test_top_level_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)

    assert "exit status:" in text
    assert "docs/configuration.md" in text


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"zbsync {metadata.version('zoho-books-sync')}"


def test_publish_refuses_a_routing_key_without_raw(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["publish", "--routing-key", "order.updated", "event.json"])

    assert exited.value.code == 2
    assert "--routing-key needs --raw" in capsys.readouterr().err
