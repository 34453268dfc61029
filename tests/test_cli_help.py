"""Help that helps (issue 18, item 7): every command's --help at 80 columns, through the app."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import typer.main
from typer._click.core import Command, Context
from typer.core import TyperGroup
from typer.testing import CliRunner

from weatherbot.cli import app
from weatherbot.cli_options import PROVIDER_NAMES
from weatherbot.providers.registry import PROVIDERS

runner = CliRunner()


def _commands(command: Command, path: list[str]) -> Iterator[list[str]]:
    """Every command and group of the app, as the words that name it (root: [])."""
    yield path
    if isinstance(command, TyperGroup):
        ctx = Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _commands(sub, [*path, name])


# Walked, not listed: a command added later gets the same checks.
EVERY = list(_commands(typer.main.get_command(app), []))


def _flat(text: str) -> str:
    """The help's words on one line, without the panels' box drawing."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", text).split())


def _help(args: list[str]) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("args", EVERY, ids=lambda a: " ".join(a) or "weatherbot")
def test_help_fits_80_columns_without_python_type_names(args: list[str]) -> None:
    text = _help(args)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert not re.search(r"<(str|bool|int|float|list|function|text)", text), text
    assert not re.search(r"\[x|x<=|x>=", text), text  # Click's ranges: the help says it in words
    usage = text.strip().splitlines()[0]
    assert "{" not in usage and not re.search(r"\[?\b[a-z_]+\]?$", usage), usage
    # "[env: X]" read as markup vanished and left "spinner ." behind.
    assert not re.search(r"\w \.(\s|$)", text, re.MULTILINE), text


def test_the_walk_finds_every_group_and_command() -> None:
    assert {" ".join(a) for a in EVERY} >= {"", "ask", "thread", "thread show", "config path"}


@pytest.mark.parametrize("args", EVERY, ids=lambda a: " ".join(a) or "weatherbot")
def test_every_command_and_group_shows_examples(args: list[str]) -> None:
    text = _help(args)
    examples = text[text.index("Examples:") :].splitlines()[1:]
    assert any(line.strip().startswith(("weatherbot ", "echo ", "eval ", "$")) for line in examples)


def test_ask_options_are_in_panels_with_meaningful_metavars() -> None:
    text = _help(["ask"])
    panels = re.findall(r"╭─ (\w+) ", text)
    assert panels == ["Arguments", "Options", "Conversation", "Model", "Weather", "Output"]
    for metavar in ("QUESTION", "ID", "BACKEND", "MODEL", "PROVIDER", "SYSTEM", "UNIT"):
        assert metavar in text
    flat = _flat(text)
    assert "[env: NO_COLOR]" in flat and "[env: WEATHERBOT_BACKEND]" in flat
    assert "auto (default" in flat and "default gpt-5.6-luna" in flat


def test_provider_help_lists_every_built_in_provider() -> None:
    assert set(PROVIDER_NAMES) == set(PROVIDERS)
    flat = _flat(_help(["weather"]))
    assert all(name in flat for name in PROVIDER_NAMES)


def test_weather_offline_is_recorded_data_not_the_planner() -> None:
    flat = _flat(_help(["weather"]))
    offline = flat[flat.index("--offline") :][:80]
    assert "recorded sample data" in offline and "planner" not in offline


def test_backend_offline_and_the_offline_flag_are_told_apart() -> None:
    flat = _flat(_help(["ask"]))
    assert "offline (the planner on live weather; --offline: no network)" in flat


@pytest.mark.parametrize("args", [[], ["ask"], ["thread", "show"]], ids=" ".join)
def test_piped_help_has_no_trailing_spaces(args: list[str]) -> None:
    # Rich pads each line to the width: noise in a file, a diff or `| grep -c ' $'`.
    done = subprocess.run(
        [sys.executable, "-m", "weatherbot", *args, "--help"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": ""},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: " in done.stdout and "Examples:" in done.stdout
    assert [line for line in done.stdout.splitlines() if line != line.rstrip()] == []


@pytest.mark.parametrize("command", ["remove", "default"])
def test_a_saved_place_is_named_not_saved_under_a_name(command: str) -> None:
    text = _flat(_help(["place", command]))
    assert "A saved place's name" in text and "name to save it under" not in text
