"""The hint after an outage says what may help (issue 18, item 8): another weather provider
only when the weather provider failed; Open-Meteo's air quality and place search are used
whatever the provider, so for them it is 'try again later'."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.fakes.backends import serve_backend
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()


def _error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, stderr
    return lines[0]


def test_an_air_quality_outage_does_not_suggest_another_provider(
    fake_weather: FakeWeather,
) -> None:
    fake_weather.fail("/v1/air-quality", 503, times=10)
    result = runner.invoke(app, ["ask", "--backend", "offline", "How is the air in Delhi?"])
    assert result.exit_code == 1, result.stderr
    line = _error(result.stderr)
    assert "Open-Meteo Air Quality failed" in line
    assert "air-quality service is down" in line and "try again later" in line
    assert "--provider" not in line


def test_a_forecast_outage_names_another_provider_to_try(fake_weather: FakeWeather) -> None:
    fake_weather.fail("/v1/forecast", 503, times=10)
    result = runner.invoke(app, ["ask", "--backend", "offline", "Will it rain in London?"])
    assert result.exit_code == 1, result.stderr
    assert _error(result.stderr).endswith(
        "(try again in a moment, or another weather provider: --provider met-norway)"
    )


def test_the_json_error_of_an_air_quality_outage_exits_1_too(fake_weather: FakeWeather) -> None:
    fake_weather.fail("/v1/air-quality", 503, times=10)
    result = runner.invoke(
        app, ["ask", "--json", "--backend", "offline", "How is the air in Delhi?"]
    )
    assert result.exit_code == 1
    assert "--provider" not in _error(result.stderr)


def test_a_place_search_outage_does_not_suggest_another_provider(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_backend("chat", monkeypatch):
        fake_weather.fail("/v1/search", 503, times=20)
        result = runner.invoke(app, ["ask", "Will it rain in London?"])
    assert result.exit_code == 1, result.stderr
    line = _error(result.stderr)
    assert "geocoding" in line and "place search is down" in line
    assert "--provider" not in line
