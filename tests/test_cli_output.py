"""What `ask` prints when stdout is not a terminal: plain text, never raw Markdown (issue 18)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.fakes.backends import serve_backend
from tests.fakes.model import Reply
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()

MARKDOWN = (
    "**Paris, France**: 11 °C, _cloudy_.\n\n"
    "- **Mon**: rain\n- Tue: dry\n\n"
    "| day | high |\n|---|---|\n| Mon | 11 |\n\n"
    "_Source: Open-Meteo_"
)
PLAIN = (
    "Paris, France: 11 °C, cloudy.\n\n"
    "- Mon: rain\n- Tue: dry\n\n"
    "day  high\nMon  11\n\n"
    "Source: Open-Meteo\n"
)


@pytest.mark.parametrize("stream", [False, True])
def test_a_piped_answer_is_plain_text(
    stream: bool, fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_backend("chat", monkeypatch) as chat:
        chat.model.model.queue.append(Reply(text=MARKDOWN))  # type: ignore[attr-defined]
        result = runner.invoke(app, ["ask", *chat.flags(stream), "hello"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == PLAIN


def test_no_color_piped_is_plain_too(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = runner.invoke(app, ["ask", "--offline", "weather in Tokyo and Paris"])
    assert result.exit_code == 0, result.stderr
    assert "Tokyo, Japan: " in result.stdout
    assert "**" not in result.stdout and "_" not in result.stdout
    assert "\x1b" not in result.stdout
