"""`weatherbot weather PLACE`: current conditions and the next days as a table (or JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from weatherbot.render.sanitize import clean


def _num(value: Any, suffix: str = "") -> str:
    if value is None:
        return "–"
    return f"{value}{suffix}"


def render_weather(report: Mapping[str, Any], out: Console, err: Console) -> None:
    """Print a report (tools.report.weather_report): a heading, now, and a daily table."""
    unit = "°F" if report.get("unit") == "Fahrenheit" else "°C"
    out.print(Text(clean(str(report["location"])), style="bold"))
    now = report.get("current") or {}
    if now and not now.get("error"):
        parts = [f"now {_num(now.get('temperature'), unit)}"]
        if now.get("feels_like") is not None:
            parts.append(f"feels like {now['feels_like']}{unit}")
        if now.get("description"):
            parts.append(clean(str(now["description"])))
        if now.get("humidity_percent") is not None:
            parts.append(f"humidity {now['humidity_percent']}%")
        if now.get("wind_speed") is not None:
            parts.append(f"wind {now['wind_speed']} {now.get('wind_unit') or 'm/s'}")
        elif now.get("wind_speed_ms") is not None:
            parts.append(f"wind {now['wind_speed_ms']} m/s")
        out.print(", ".join(parts))
    elif now.get("message"):
        out.print(Text(f"now: {clean(str(now['message']))}", style="dim"))
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("date", "high", "low", "rain chance", "rain", "conditions"):
        table.add_column(column, justify="right" if column in {"high", "low", "rain"} else "left")
    forecast = report.get("forecast") or {}
    rain_unit = " in" if forecast.get("precipitation_unit") == "inch" else " mm"
    for day in forecast.get("days", []):
        chance = day.get("precipitation_probability_percent")
        amount = day.get("precipitation")
        if amount is None and "precipitation" not in day:
            amount, rain_unit = day.get("precipitation_mm"), " mm"
        table.add_row(
            day["date"],
            _num(day.get("high"), unit),
            _num(day.get("low"), unit),
            "n/a" if chance is None else f"{chance}%",
            _num(amount, rain_unit),
            clean(str(day.get("description") or "")),
        )
    out.print(table)
    source = report.get("source", "")
    note = report.get("note")
    footer = f"{source}" + (f" · {note}" if note else "")
    # Whole lines where something reads them; wrapped at words on a terminal, which would
    # otherwise break them mid-word at its edge ("on 202" / "6-05-11").
    soft = not err.is_terminal
    err.print(Text(clean(footer), style="dim italic"), soft_wrap=soft)
    # What the provider got wrong (an impossible value left out): said, not silently a "–".
    for line in _notes(now, forecast):
        err.print(Text(f"note: {clean(line)}", style="yellow"), soft_wrap=soft)


def _notes(*parts: Mapping[str, Any]) -> list[str]:
    """The provider's notes from the report's parts, each once, in order."""
    seen: list[str] = []
    for part in parts:
        for note in part.get("notes") or ():
            if isinstance(note, str) and note not in seen:
                seen.append(note)
    return seen
