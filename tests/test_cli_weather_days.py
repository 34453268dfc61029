"""`weatherbot weather PLACE --days N` through the real Typer app, against the fake Open-Meteo.

The fake's TEST VALUES (tests/fakes/weather_synthetic.py) pin what each row must say: Paris
has 16 days with sun 08:31-16:53 and UV 1.2, rain on 2026-12-19; Oslo snows 4.8 cm, 12.0 cm
and 4.8 cm on days 1-3; Sydney's UV is 12.4 (extreme) tomorrow; Tokyo's sun sets at 16:28.
London is a real 7-day recording. CliRunner is no terminal: most of these read the piped
table as wide as it gets (COLUMNS=200: every field); the 80-column pipe and terminal renderings
(the terminal in a real pseudo-terminal) are checked at the end.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner, Result

from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
DATE_ROW = re.compile(r"^\d{4}-\d{2}-\d{2}\s")
SHORT_ROW = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{2}\s")


@pytest.fixture(autouse=True)
def wide_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe as wide as Rich is told (it reads COLUMNS), so every field is in the table."""
    monkeypatch.setenv("COLUMNS", "200")


def weather(*args: str) -> Result:
    """`weatherbot weather ARGS`, which must succeed."""
    result = runner.invoke(app, ["weather", *args])
    assert result.exit_code == 0, result.output + result.stderr
    return result


def rows(stdout: str) -> dict[str, list[str]]:
    """The piped table's day rows by ISO date, split at its column gaps (two spaces or more)."""
    found = {}
    for line in stdout.splitlines():
        if DATE_ROW.match(line):
            cells = re.split(r"\s{2,}", line.strip())
            found[cells[0]] = cells
    return found


def header(stdout: str) -> list[str]:
    """The piped table's column names."""
    line = next(line for line in stdout.splitlines() if line.startswith("date"))
    return re.split(r"\s{2,}", line.strip())


def test_paris_16_days_with_sunrise_sunset_and_uv(fake_weather: FakeWeather) -> None:
    result = weather("Paris", "--days", "16")
    days = rows(result.stdout)
    assert list(days)[::15] == ["2026-12-07", "2026-12-22"]
    assert len(days) == 16
    names = header(result.stdout)
    assert names == [
        "date", "high", "low", "chance", "falls", "UV", "sunrise", "sunset", "daylight", "moon",
        "conditions",
    ]  # fmt: skip
    row = dict(zip(names, days["2026-12-19"], strict=True))
    assert row == {
        "date": "2026-12-19", "high": "9.0°C", "low": "4.0°C", "chance": "65%",
        "falls": "rain 3.2 mm", "UV": "1.2 low", "sunrise": "08:31", "sunset": "16:53",
        "daylight": "8.4 h", "moon": "waxing gibbous", "conditions": "slight rain",
    }  # fmt: skip
    assert all(cells[6:8] == ["08:31", "16:53"] for cells in days.values())
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
    # All 16 asked for exist: nothing to say about coverage.
    assert result.stderr.strip() == "Open-Meteo"


def test_oslo_says_snow_and_how_much_not_rain(fake_weather: FakeWeather) -> None:
    result = weather("Oslo", "--days", "5")
    days = rows(result.stdout)
    falls = {date: cells[4] for date, cells in days.items()}
    assert falls == {
        "2026-12-07": "none",
        "2026-12-08": "snow 4.8 cm",
        "2026-12-09": "snow 12.0 cm",
        "2026-12-10": "snow 4.8 cm",
        "2026-12-11": "none",
    }
    assert all("rain" not in " ".join(cells) for cells in days.values())
    assert days["2026-12-09"][-1] == "moderate snow"


def test_oslo_snow_in_inches_beside_inches_of_rain(fake_weather: FakeWeather) -> None:
    result = weather("Oslo", "--days", "3", "--precipitation-unit", "inch")
    # 12.0 cm is 4.7 inches; the table follows the tool's snowfall_unit.
    assert rows(result.stdout)["2026-12-09"][4] == "snow 4.7 in"


def test_sydney_uv_12_4_is_extreme(fake_weather: FakeWeather) -> None:
    days = rows(weather("Sydney", "--days", "3").stdout)
    assert [cells[5] for cells in days.values()] == [
        "11.0 extreme",
        "12.4 extreme",
        "10.1 very high",
    ]
    assert days["2026-12-08"][6:8] == ["05:38", "19:54"]


def test_tokyo_sunset_is_local_time(fake_weather: FakeWeather) -> None:
    days = rows(weather("Tokyo", "--days", "2").stdout)
    # The place's own clock (+09:00), not this machine's zone.
    assert [cells[6:8] for cells in days.values()] == [["06:38", "16:28"], ["06:38", "16:28"]]


def test_days_beyond_16_show_what_exists_and_say_the_limit(fake_weather: FakeWeather) -> None:
    result = weather("Paris", "--days", "20")
    days = rows(result.stdout)
    assert len(days) == 16 and list(days)[-1] == "2026-12-22"
    assert result.stderr.splitlines() == [
        "no forecast covers 20 days (16 at most); Open-Meteo gives 16",
        "Open-Meteo",
    ]
    assert "Usage" not in result.output + result.stderr


def test_a_7_day_recording_says_its_coverage(fake_weather: FakeWeather) -> None:
    result = weather("London", "--days", "10")
    days = rows(result.stdout)
    assert list(days) == [f"2026-05-{d}" for d in range(11, 18)]
    assert result.stderr.splitlines()[0] == "Open-Meteo covers 7 of the 10 days asked for"
    # The recording has kinds but no amounts and no sun times: said as unknown, never "none".
    assert days["2026-05-11"][4:8] == ["drizzle", "2.1 low", "–", "–"]
    assert days["2026-05-12"][4] == "–"


def test_days_below_one_is_still_a_usage_error(fake_weather: FakeWeather) -> None:
    result = runner.invoke(app, ["weather", "Paris", "--days", "0"])
    assert result.exit_code == 2


def test_an_80_column_pipe_keeps_iso_dates_and_one_line_a_day(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = weather("Oslo", "--days", "16")
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert header(result.stdout) == [
        "date",
        "high",
        "low",
        "chance",
        "weather",
        "UV",
        "sunrise–set",
    ]
    days = rows(result.stdout)
    assert len(days) == 16
    assert days["2026-12-08"] == [
        "2026-12-08", "0.0°C", "-6.0°C", "85%", "snow 4.8 cm", "0.3 low", "09:10–15:15",
    ]  # fmt: skip
    # A dry day's cell is its sky.
    assert days["2026-12-07"][4] == "partly cloudy"


def weather_in_a_terminal(fake: FakeWeather, home: Path, columns: int, *args: str) -> list[str]:
    """`weatherbot weather ARGS` in a real pseudo-terminal `columns` wide: its visible lines."""
    # The terminal's own size, not a COLUMNS left by the pipe tests (Rich prefers COLUMNS).
    environ = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES"}}
    environ.update(
        WEATHERBOT_HOME=str(home),
        WEATHERBOT_OPEN_METEO_URL=fake.base_url,
        WEATHERBOT_OPEN_METEO_GEOCODING_URL=fake.base_url,
        TERM="xterm-256color",
        NO_COLOR="1",
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", "weather", *args],
        env=environ,
        encoding="utf-8",
        dimensions=(60, columns),
        timeout=60,
    )
    output = str(child.read())
    child.close()
    assert child.exitstatus == 0, output
    return ESCAPE.sub("", output.replace("\r\n", "\n")).splitlines()


def test_80_columns_in_a_real_terminal(fake_weather: FakeWeather, tmp_path: Path) -> None:
    lines = weather_in_a_terminal(fake_weather, tmp_path, 80, "Paris", "--days", "16")
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    days = [line for line in lines if SHORT_ROW.match(line)]
    # One line a day, nothing folded: sun times, UV and the sky all fit.
    assert len(days) == 16
    assert days[0].split() == [
        "Mon", "07", "11.0°C", "5.0°C", "85%", "rain", "8.4", "mm", "1.2", "low", "08:31–16:53",
        "moderate", "rain",
    ]  # fmt: skip
    assert days[12].split()[:9] == [
        "Sat",
        "19",
        "9.0°C",
        "4.0°C",
        "65%",
        "rain",
        "3.2",
        "mm",
        "1.2",
    ]


def test_80_columns_sydney_folds_the_sky_into_one_column(
    fake_weather: FakeWeather, tmp_path: Path
) -> None:
    lines = weather_in_a_terminal(fake_weather, tmp_path, 80, "Sydney", "--days", "3")
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    head = next(line for line in lines if line.startswith("date"))
    assert head.split() == ["date", "high", "low", "chance", "weather", "UV", "sunrise–set"]
    days = [line for line in lines if SHORT_ROW.match(line)]
    assert [" ".join(day.split()[5:]) for day in days] == [
        "partly cloudy 11.0 extreme 05:38–19:54",
        "partly cloudy 12.4 extreme 05:38–19:54",
        "partly cloudy 10.1 very high 05:38–19:54",
    ]


def test_a_wide_terminal_shows_daylight_and_moon(fake_weather: FakeWeather, tmp_path: Path) -> None:
    lines = weather_in_a_terminal(fake_weather, tmp_path, 132, "Oslo", "--days", "3")
    head = next(line for line in lines if line.startswith("date"))
    assert "daylight" in head and "moon" in head
    tuesday = next(line for line in lines if line.startswith("Tue 2026-12-08"))
    assert tuesday.split()[5:] == [
        "snow", "4.8", "cm", "0.3", "low", "09:10–15:15", "6.1", "h", "new", "moon", "slight", "snow",
    ]  # fmt: skip
