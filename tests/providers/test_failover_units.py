"""Failover to a real recorded second provider, and display units per quantity."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from tests.fakes.provider_server import FakeProviders
from tests.fakes.weather_server import FakeWeather
from weatherbot.backends.base import instructions_for
from weatherbot.errors import ConfigError
from weatherbot.providers.registry import build_service
from weatherbot.render.weather_table import render_weather
from weatherbot.settings import load_settings
from weatherbot.tools.weather import ToolContext, get_current_conditions, get_forecast


def test_failing_open_meteo_fails_over_to_met_norway(
    fake_weather: FakeWeather, fake_providers: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEATHERBOT_FALLBACK_PROVIDERS", "met-norway")
    fake_weather.fail("/v1/forecast", 503, times=3)
    sleeps: list[float] = []
    service = build_service(load_settings(), sleep=sleeps.append)
    forecast = service.forecast(service.resolve("London"))
    assert forecast.source == "MET Norway"
    assert forecast.today.isoformat() == "2020-07-20"  # the recorded MET London answer
    assert forecast.notes[0].startswith("used MET Norway after Open-Meteo: Open-Meteo failed")
    assert fake_weather.forecasts() == 3 and sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("env", "unit", "wind", "wind_unit", "rain_unit"),
    [
        ({}, "Celsius", 4.8, "km/h", "mm"),  # auto follows the temperature unit
        ({}, "Fahrenheit", 3.0, "mph", "inch"),
        ({"WEATHERBOT_WIND_UNIT": "m/s", "WEATHERBOT_PRECIPITATION_UNIT": "inch"},
         "Celsius", 1.3, "m/s", "inch"),
        ({"WEATHERBOT_WIND_UNIT": "mph"}, "Celsius", 3.0, "mph", "mm"),
    ],
)  # fmt: skip
def test_tool_outputs_use_the_preferred_units(
    fake_weather: FakeWeather,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    unit: str,
    wind: float,
    wind_unit: str,
    rain_unit: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ctx = ToolContext(build_service(load_settings()))
    now = get_current_conditions(ctx, "New York", unit)  # type: ignore[arg-type]
    # The recorded NYC wind is 4.8 km/h: 1.33 m/s, 2.98 mph.
    assert (now["wind_speed"], now["wind_unit"]) == (wind, wind_unit)
    assert now["wind_speed_ms"] == 1.3  # the metric field stays
    days = get_forecast(ctx, "New York", 7, unit)  # type: ignore[arg-type]
    assert days["precipitation_unit"] == rain_unit
    for day in days["days"]:
        mm = day["precipitation_mm"]
        expected = round(mm / 25.4, 2) if rain_unit == "inch" else round(mm, 1)
        assert day["precipitation"] == expected


def test_units_from_config_file_and_aliases(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('wind_unit = "kmh"\nprecipitation_unit = "in"\n')
    settings = load_settings(env={"WEATHERBOT_HOME": str(home)})
    assert (settings.wind_unit, settings.precipitation_unit) == ("km/h", "inch")
    env = {"WEATHERBOT_HOME": str(home), "WEATHERBOT_WIND_UNIT": "mph"}
    assert load_settings(env=env).wind_unit == "mph"  # the environment beats the file


@pytest.mark.parametrize("name", ["WEATHERBOT_WIND_UNIT", "WEATHERBOT_PRECIPITATION_UNIT"])
def test_unknown_unit_is_a_config_error(name: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(env={"WEATHERBOT_HOME": str(tmp_path), name: "furlongs"})


def test_instructions_mention_unit_preferences() -> None:
    assert instructions_for("auto") == instructions_for("auto", "auto", "auto")
    text = instructions_for("metric", "m/s", "inch")
    assert "wind speeds in m/s" in text and "precipitation amounts in inch" in text


def test_weather_table_shows_the_chosen_units() -> None:
    report = {
        "location": "Oslo, Norway", "source": "MET Norway", "unit": "Celsius",
        "current": {"temperature": -5.8, "wind_speed": 21.6, "wind_unit": "km/h",
                    "wind_speed_ms": 6.0},
        "forecast": {"precipitation_unit": "inch", "days": [
            {"date": "2026-02-07", "high": -2.7, "low": -5.9,
             "precipitation_probability_percent": None, "precipitation": 0.1,
             "precipitation_mm": 2.6, "description": "cloudy"}]},
    }  # fmt: skip
    out, err = Console(record=True, width=100), Console(record=True, width=100)
    render_weather(report, out, err)
    text = out.export_text()
    assert "wind 21.6 km/h" in text and "0.1 in" in text and "n/a" in text
