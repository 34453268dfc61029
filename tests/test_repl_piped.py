"""`weatherbot chat` with piped input and output: /threads prints the lines `thread list` does
(tab-separated, nothing cut) and /help plain lines, no column padding (issue 18)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from weatherbot.cli import app
from weatherbot.state import StateStore

runner = CliRunner()
LONG_TITLE = "Will it rain in Paris, London, Berlin and Madrid on the weekend, and how windy?"


def test_piped_threads_are_the_lines_thread_list_prints(clean_env: Path) -> None:
    store = StateStore(clean_env / "state.json")
    store.save_thread("local_one", "offline", "offline", LONG_TITLE)
    store.save_thread("local_two", "offline", "offline", "rain?")
    listed = runner.invoke(app, ["thread", "list"])
    chat = runner.invoke(app, ["chat", "--offline", "--thread", "local_two"], input="/threads\n")
    assert chat.exit_code == 0, chat.stderr
    assert chat.stdout == listed.stdout
    lines = chat.stdout.splitlines()
    assert lines[0].split("\t")[0] == "local_two" and lines[0].split("\t")[4] == "*"
    assert lines[1].split("\t")[-1] == LONG_TITLE  # whole: a pipe has no width to fit


def test_piped_help_has_no_padding() -> None:
    chat = runner.invoke(app, ["chat", "--offline"], input="/help\n")
    assert chat.exit_code == 0, chat.stderr
    lines = chat.stdout.splitlines()
    assert any(line.startswith("/switch    ID: continue") for line in lines), lines
    assert all(line == line.rstrip() for line in lines)
    assert lines[-1].startswith("Enter sends.") and lines[-1].endswith("/exit leaves.")
