"""`thread show --json` for scripts, and an empty id said as such (not "ambiguous")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app
from weatherbot.state import StateStore

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def test_thread_show_json_has_the_thread_and_its_messages(fake_weather: FakeWeather) -> None:
    asked = run("ask", "--offline", "--json", "Will it rain in London?")
    assert asked.exit_code == 0, asked.stderr
    answer = json.loads(asked.stdout)["answer"]
    result = run("thread", "show", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["id"] == json.loads(asked.stdout)["thread_id"]
    assert (doc["backend"], doc["server"]) == ("offline", None)
    assert doc["title"] == "Will it rain in London?"
    assert doc["messages"] == [
        {"role": "user", "text": "Will it rain in London?"},
        {"role": "assistant", "text": answer},  # as stored: the Markdown, not rendered
    ]
    assert result.stderr == ""  # one object, nothing else (not even the "thread ..." line)


def test_thread_show_json_of_an_unknown_id_is_exit_2(clean_env: Path) -> None:
    result = run("thread", "show", "--json", "nope")
    assert result.exit_code == 2
    assert "no thread 'nope'" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["thread", "show", ""], ["thread", "delete", "  "], ["ask", "--thread", "", "rain?"]],
    ids=["show", "delete", "ask --thread"],
)
def test_an_empty_id_is_said_to_be_empty(args: list[str], clean_env: Path) -> None:
    store = StateStore(clean_env / "state.json")
    for n in range(2):
        store.save_thread(f"local_{n}", "offline", "offline", title=f"question {n}")
    result = run(*args)
    assert result.exit_code == 2, result.output
    line = " ".join(result.stderr.split())
    assert "the thread id is empty" in line and "ambiguous" not in line
    assert len(StateStore(clean_env / "state.json").list_threads()) == 2  # nothing started


def test_an_id_pasted_with_spaces_around_it_is_found(clean_env: Path) -> None:
    StateStore(clean_env / "state.json").save_thread(
        "local_0123456789abcdef0123", "offline", "offline", title="Rain in Paris?"
    )
    shown = run("thread", "show", "--json", " local_0123456789abcdef0123 ")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == "local_0123456789abcdef0123"
    deleted = run("thread", "delete", "local_0123 \n")
    assert deleted.exit_code == 0, deleted.stderr
    assert StateStore(clean_env / "state.json").list_threads() == []
