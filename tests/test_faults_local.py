"""The fault matrix, local side (issue 12): malformed tool arguments, a damaged state, an unusable
WEATHERBOT_HOME, undecodable argv, bad settings, closed pipes, SIGTERM/SIGHUP and size limits.

Every case goes through the real Typer app (or a real `python -m weatherbot` process where a
process is what matters) and ends with the answer or ONE `weatherbot:` line and the exit code
DESIGN.md promises, with nothing lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.fakes.chat_server import FakeChat
from tests.fakes.model import Reply, ToolCallSpec
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app
from weatherbot.tools.execute import ToolCall, run_tool_calls
from weatherbot.tools.weather import ToolContext, default_registry

runner = CliRunner()


def error_line(stderr: str) -> str:
    """The one `weatherbot:` line on stderr (and no traceback)."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, stderr
    return lines[0]


def drain(gen: Any) -> tuple[list[Any], Any]:
    """A generator's events and its return value."""
    events = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            return events, stop.value


# -- 1. malformed tool arguments ---------------------------------------------------------------

DEEP_ARRAY = "[" * 2000 + "]" * 2000
DEEP_OBJECT = '{"location": ' + '{"a": ' * 2000 + "1" + "}" * 2001
LONG_INTEGER = '{"location": "London", "unit": ' + "9" * 5000 + "}"
BAD_ARGUMENTS = {"deep_array": DEEP_ARRAY, "deep_object": DEEP_OBJECT, "long_int": LONG_INTEGER}


class NoWeather:
    """A weather service no valid call reaches in these tests (it would fail loudly)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the weather service was used: {name}")


@pytest.mark.parametrize("name", list(BAD_ARGUMENTS))
def test_unreadable_arguments_become_an_invalid_arguments_output(name: str) -> None:
    calls = [ToolCall("c1", "get_current_temperature", BAD_ARGUMENTS[name])]
    events, results = drain(run_tool_calls(calls, default_registry(), ToolContext(NoWeather())))  # type: ignore[arg-type]
    assert [r.error for r in results] == ["invalid_arguments"]
    assert json.loads(results[0].output)["error"] == "invalid_arguments"
    assert results[0].arguments == {}
    assert len(events) == 2  # started and finished, once each


def test_a_1_mb_argument_is_refused_without_reaching_the_provider() -> None:
    huge = json.dumps({"location": "x" * 1_000_000, "unit": "Celsius"})
    calls = [ToolCall("c1", "get_current_temperature", huge)]
    _, results = drain(run_tool_calls(calls, default_registry(), ToolContext(NoWeather())))  # type: ignore[arg-type]
    assert results[0].error == "invalid_arguments"
    assert "too long" in results[0].output
    assert len(results[0].output) < 1000  # the 1 MB is not echoed back to the model


@pytest.fixture
def fake_chat(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChat]:
    """A running FakeChat with the environment pointing the chat backend at it."""
    fake = FakeChat().start()
    monkeypatch.setenv("WEATHERBOT_BACKEND", "chat")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-local-faults")
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    try:
        yield fake
    finally:
        fake.stop()


def test_unreadable_arguments_through_the_cli(
    fake_chat: FakeChat, fake_weather: FakeWeather
) -> None:
    calls = [ToolCallSpec(f"call_{n}", "get_rain_probability", a) for n, a in BAD_ARGUMENTS.items()]
    calls.append(ToolCallSpec("call_ok", "get_rain_probability", '{"location": "London"}'))
    fake_chat.model.queue.append(Reply(tool_calls=calls))
    result = runner.invoke(app, ["ask", "--json", "Rain in London?"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "completed"
    errors = {c["id"]: c["error"] for c in doc["tool_calls"]}
    assert errors == {
        "call_deep_array": "invalid_arguments",
        "call_deep_object": "invalid_arguments",
        "call_long_int": "invalid_arguments",
        "call_ok": None,
    }
    # The conversation stays usable: the stored history goes back to the server as it was.
    again = runner.invoke(app, ["ask", "--json", "-c", "And in London tomorrow?"])
    assert again.exit_code == 0, again.stderr


def test_a_1_mb_argument_through_the_cli_is_refused_quickly_and_not_echoed(
    fake_chat: FakeChat, fake_weather: FakeWeather
) -> None:
    huge = json.dumps({"location": "London" * 200_000})
    fake_chat.model.queue.append(
        Reply(tool_calls=[ToolCallSpec("call_1", "get_rain_probability", huge)])
    )
    result = runner.invoke(app, ["ask", "Rain in London?"])
    assert result.exit_code == 0, result.stderr[:2000]
    assert "error: invalid_arguments" in result.stderr
    assert len(result.stderr) < 2_000  # the tool line shows the start of the value, not 1 MB
    assert fake_weather.server.count("GET", "/v1/search") == 0
