"""`ask` in a real terminal (a pseudo-terminal): what NO_COLOR changes and what it does not."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather

COLUMNS = 60
# Foreground/background colours: 30-37, 38;..., 39 is "default" (not a colour), 40-47, 90-97.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def ask_in_a_terminal(home: Path, *args: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ.update(WEATHERBOT_HOME=str(home), TERM="xterm-256color", **env)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", "ask", "--offline", *args],
        env=environ,
        encoding="utf-8",
        dimensions=(40, COLUMNS),
        timeout=60,
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    return str(output).replace("\r\n", "\n")


@pytest.mark.parametrize("stream", [False, True])
def test_no_color_in_a_terminal_drops_colour_but_still_renders_and_wraps(
    tmp_path: Path, stream: bool
) -> None:
    question = "what's the weather in London this week, will I need an umbrella?"
    args = ["--stream", question] if stream else [question]
    output = ask_in_a_terminal(tmp_path, *args, NO_COLOR="1")
    assert not COLOUR.search(output), repr(output[:400])
    visible = ESCAPE.sub("", output)
    assert "London" in visible and "**" not in visible
    # Wrapped at words by weatherbot, not cut mid-word by the terminal's edge.
    longest = max(len(line) for line in visible.splitlines())
    assert longest <= COLUMNS, visible


def test_a_terminal_without_no_color_gets_colour(tmp_path: Path) -> None:
    output = ask_in_a_terminal(tmp_path, "will it rain in London today?")
    assert COLOUR.search(output)


def test_a_slow_provider_shows_what_is_fetched_and_ctrl_c_stops_it_at_once(
    tmp_path: Path, fake_weather: FakeWeather
) -> None:
    # issue 18: the screen stayed blank while the weather loaded. The forecast requests hang
    # until the fake stops: only an interrupt that acts at once ends the run (the provider's
    # own read timeout is 15 s, the bound below 10 s).
    fake_weather.server.inject("GET", "/v1/forecast", Response(hang=True), times=10)
    environ = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "OPENAI_API_KEY"}}
    environ.update(WEATHERBOT_HOME=str(tmp_path), TERM="xterm-256color")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", "ask", "weather in Tokyo and Paris"],
        env=environ,
        encoding="utf-8",
        dimensions=(40, COLUMNS),
        timeout=10,
    )
    child.expect("fetching Tokyo, Paris…")
    child.sendintr()
    child.expect("weatherbot: interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "->" not in str(child.before)  # no call finished: nothing to show for one


def test_no_color_shows_no_status_line(tmp_path: Path) -> None:
    output = ask_in_a_terminal(tmp_path, "weather in London", NO_COLOR="1")
    assert "thinking" not in output and "fetching" not in output
    assert "-> get_current_temperature" in output
