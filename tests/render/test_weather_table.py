"""The `weather` table's footer stays one line on a narrow terminal (pipes read it whole)."""

from __future__ import annotations

import io

from rich.console import Console

from weatherbot.render.weather_table import render_weather


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
