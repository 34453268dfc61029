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
