"""Every --help reads as prose (issue 18, item 7): a sentence is wrapped by the terminal's width,
never broken where the docstring's source line happened to end."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from weatherbot.cli import app

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        # Typer carries its own copy of Click: a group is whatever has subcommands.
        if hasattr(command, "commands"):
            found.extend(_commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "weatherbot")
def test_help_text_is_not_broken_mid_sentence(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stdout
    # The description: the lines between the usage line and the first panel.
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next(i for i, line in enumerate(lines) if line.lstrip().startswith("╭"))
    for line in lines[start:end]:
        text = line.strip()
        assert not text.endswith((",", " and", " or", "(")), (command, text)


GROUPS = [c for c in COMMANDS if c in {(), ("thread",), ("assistant",), ("place",), ("config",)}]


@pytest.mark.parametrize("group", GROUPS, ids=lambda c: " ".join(c) or "weatherbot")
def test_each_command_summary_is_one_line_in_a_wide_terminal(group: tuple[str, ...]) -> None:
    # A summary carried the docstring's line break into the list ("config.toml,⏎default").
    result = runner.invoke(app, [*group, "--help"], env={"COLUMNS": "200"})
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("╭─ Commands"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    rows = lines[start + 1 : end]
    assert rows and all(row.startswith("│ ") and row[2] != " " for row in rows), rows


def test_thread_help_names_prune() -> None:
    result = runner.invoke(app, ["thread", "--help"])
    assert "List, show, delete and prune conversations." in result.stdout
