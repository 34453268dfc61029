"""The `weather` table: its footer stays one line (pipes read it whole); its days fit the screen."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from tests.fakes.weather_server import FakeWeather
from weatherbot.render.day_cells import falls, sun, weather_words
from weatherbot.render.weather_table import render_weather
from weatherbot.settings import load_settings
from weatherbot.tools.report import weather_report


def test_footer_is_one_line_on_a_narrow_console() -> None:
    out, err = io.StringIO(), io.StringIO()
    report = {
        "location": "New York, United States",
        "unit": "Fahrenheit",
        "current": {"temperature": 31.5},
        "forecast": {"days": []},
        "source": "OpenWeatherMap (recorded sample, 2026-02-06)",
        "note": "recorded sample data from 2026-02-06, not live",
    }
    render_weather(report, Console(file=out, width=40), Console(file=err, width=40))
    assert err.getvalue() == (
        "OpenWeatherMap (recorded sample, 2026-02-06) · recorded sample data from 2026-02-06, "
        "not live\n"
    )
    assert "31.5°F" in out.getvalue()


def test_notes_wrap_at_words_on_a_terminal_and_stay_whole_in_a_pipe() -> None:
    note = "Open-Meteo sent an impossible value for the high on 2026-05-12; it is left out"
    report = {
        "location": "London",
        "unit": "Celsius",
        "current": {"error": "unavailable", "message": "Open-Meteo has no current conditions"},
        "forecast": {"days": [], "notes": [note]},
        "source": "Open-Meteo",
    }
    for terminal in (True, False):
        out, err = io.StringIO(), io.StringIO()
        consoles = [
            Console(file=f, width=40, force_terminal=terminal, color_system=None)
            for f in (out, err)
        ]
        render_weather(report, *consoles)
        lines = [line.rstrip() for line in err.getvalue().splitlines()]
        notes = " ".join(lines[1:])
        assert notes == f"note: {note}"
        if terminal:  # cut at the terminal's edge it read "on 2026-05-1" / "2; it is"
            assert all(len(line) <= 40 for line in lines)
            assert "2026-05-12;" in lines[2] or "2026-05-12;" in lines[3]
        else:
            assert len(lines) == 2
        assert "now: Open-Meteo has no current conditions" in " ".join(out.getvalue().split())


def _days_table(report: dict[str, Any], width: int) -> list[str]:
    """The report rendered on a colourless terminal `width` wide: its lines, right-trimmed."""
    out, err = io.StringIO(), io.StringIO()
    consoles = [
        Console(file=f, width=width, force_terminal=True, color_system=None) for f in (out, err)
    ]
    render_weather(report, *consoles)
    return [line.rstrip() for line in out.getvalue().splitlines()]


def test_80_columns_pick_the_widest_layout_that_fits(fake_weather: FakeWeather) -> None:
    oslo = dict(weather_report(load_settings(), "Oslo", 16))
    lines = _days_table(oslo, 80)
    assert max(map(len, lines)) <= 80
    assert lines[2].split() == [
        "date",
        "high",
        "low",
        "chance",
        "falls",
        "UV",
        "sunrise–set",
        "conditions",
    ]
    assert lines[5] == (
        "Wed 09  0.0°C  -6.0°C     85%  snow 12.0 cm  0.3 low  09:10–15:15  moderate snow"
    )
    assert len(lines) == 3 + 16
    wide = _days_table(oslo, 200)
    assert wide[5].split() == [
        "Wed", "2026-12-09", "0.0°C", "-6.0°C", "85%", "snow", "12.0", "cm", "0.3", "low",
        "09:10–15:15", "6.1", "h", "new", "moon", "moderate", "snow",
    ]  # fmt: skip


def test_falls_says_what_is_known_and_nothing_more() -> None:
    # New York's recorded 2026-02-07: kinds and a total, no snow depth; the total is water.
    new_york = {"precipitation_types": ["snow"], "precipitation": 0.02, "rain": None,
                "snowfall": None}  # fmt: skip
    assert falls(new_york, "in", "in") == "snow (0.02 in)"
    # London's recorded 2026-05-12: no amounts at all, so not "none".
    london: dict[str, Any] = {
        "precipitation_types": [],
        "precipitation": None,
        "rain": None,
        "snowfall": 0.0,
    }
    assert falls(london, "mm", "cm") == "–"
    mixed = {"precipitation_types": ["drizzle", "rain", "snow"], "precipitation": 3.1,
             "rain": 2.4, "snowfall": 0.5}  # fmt: skip
    assert falls(mixed, "mm", "cm") == "drizzle 2.4 mm, snow 0.5 cm"
    dry = {"precipitation_types": [], "precipitation": 0.0, "rain": 0.0, "snowfall": 0.0}
    assert falls(dry, "mm", "cm") == "none"
    assert weather_words(dry | {"description": "clear sky"}, "mm", "cm") == "clear sky"
    storm = {"precipitation_types": ["rain", "hail"], "precipitation": 12.0, "rain": 12.0,
             "snowfall": 0.0, "description": "thunderstorm with slight hail"}  # fmt: skip
    assert weather_words(storm, "mm", "cm") == "thunder, rain 12.0 mm, hail"


def test_sun_times_are_the_places_own_clock() -> None:
    tokyo = {"sunrise": "2026-12-07T06:38+09:00", "sunset": "2026-12-07T16:28+09:00"}
    assert sun(tokyo) == "06:38–16:28"
    assert sun({"sunrise": None, "sunset": None}) == "–"
    assert sun({"sunrise": "not a time", "sunset": "2026-12-07T16:28+09:00"}) == "--:--–16:28"
    # No sun times because there is no sunrise or sunset, not because they are unknown.
    assert sun({"sunrise": None, "sunset": None, "daylight_hours": 0.0}) == "polar night"
    assert sun({"sunrise": None, "sunset": None, "daylight_hours": 24.0}) == "no sunset"
