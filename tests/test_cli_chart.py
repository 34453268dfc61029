"""The hours chart of `weatherbot weather`, seen in a real 80-column pseudo-terminal.

Paris (the fake's TEST VALUES, 13:15 local): rain at 85% from 13:00 to 15:00, 10% after,
11 °C at the top and 5 °C at the bottom, sunset 16:53.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.fakes.weather_server import FakeWeather
from tests.test_cli_weather_days import weather_in_a_terminal
from weatherbot.cli import app
from weatherbot.render.hour_chart import TEMPERATURE_ROWS


def chart(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith("next "))
    return lines[start : start + TEMPERATURE_ROWS + 3]


def test_the_next_24_hours_at_80_columns(fake_weather: FakeWeather, tmp_path: Path) -> None:
    lines = chart(weather_in_a_terminal(fake_weather, tmp_path, 80, "Paris", "--days", "1"))
    title, *temperature, rain, axis = lines
    assert title == "next 24 hours, 13:00 to Tue 12:00 local time (· night)"
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    assert temperature[0].startswith(" 11°C ━━━") and temperature[-1].startswith("  5°C")
    # Three wet hours, three columns each, then the 10% hours.
    assert rain.startswith("rain% ▇▇▇▇▇▇▇▇▇▁") and set(rain[15:].strip()) == {"▁"}
    assert axis.split()[:6] == ["14", "16", "18", "20", "22", "Tue"]
    # After sunset (16:53) the night is dotted, in every row but the line itself.
    assert "·" not in temperature[1][6:18] and "·" in temperature[1][18:30]


def test_48_hours_and_fewer(fake_weather: FakeWeather, tmp_path: Path) -> None:
    long = chart(
        weather_in_a_terminal(fake_weather, tmp_path, 80, "Oslo", "-d", "1", "--hours", "48")
    )
    assert long[0].startswith("next 48 hours") and "Wed" in long[-1]
    assert len(long[-2]) == 6 + 48  # one column an hour
    none = weather_in_a_terminal(fake_weather, tmp_path, 80, "Oslo", "-d", "1", "--hours", "0")
    assert not any(line.startswith("next ") for line in none)


def test_piped_the_hours_are_data(fake_weather: FakeWeather) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, ["weather", "Paris", "-d", "1"])
    assert plain.exit_code == 0 and "T13:00" not in plain.stdout  # not asked for: not shown
    asked = runner.invoke(app, ["weather", "Paris", "-d", "1", "--hours", "4"])
    rows = [line.split("\t") for line in asked.stdout.splitlines() if "\t" in line]
    assert rows == [
        ["2026-12-07T13:00+01:00", "10.6°C", "85%", "1.2mm", "rain", "1.1 UV", "day"],
        ["2026-12-07T14:00+01:00", "10.9°C", "85%", "1.2mm", "rain", "0.9 UV", "day"],
        ["2026-12-07T15:00+01:00", "11.0°C", "85%", "1.2mm", "rain", "0.6 UV", "day"],
        ["2026-12-07T16:00+01:00", "10.9°C", "10%", "0.0mm", "-", "0.2 UV", "day"],
    ]
    too_many = runner.invoke(app, ["weather", "Paris", "--hours", "49"])
    assert too_many.exit_code == 2


def test_snow_hours_are_a_chance_of_snow(fake_weather: FakeWeather, tmp_path: Path) -> None:
    lines = chart(
        weather_in_a_terminal(fake_weather, tmp_path, 80, "Oslo", "-d", "1", "--hours", "48")
    )
    assert lines[-2].startswith("snow% ")


def test_no_hourly_data_is_said_when_asked(fake_weather: FakeWeather) -> None:
    result = CliRunner().invoke(app, ["weather", "--offline", "London", "-d", "1", "--hours", "6"])
    assert result.exit_code == 0
    assert "hours: Open-Meteo (recorded sample, 2026-05-11) has no hourly forecast" in result.stderr
