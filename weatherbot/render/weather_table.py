"""`weatherbot weather PLACE`: current conditions and the next days as a table (or JSON)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from weatherbot.render import day_cells as cells
from weatherbot.render.day_cells import num as _num
from weatherbot.render.sanitize import clean

Cell = Callable[[Mapping[str, Any], "Units"], "str | Text"]


@dataclass(frozen=True)
class Units:
    """The units a forecast's numbers are in, as the cells print them."""

    temperature: str
    rain: str
    snow: str
    dates: str


@dataclass(frozen=True)
class Column:
    """One column of the daily table: its heading, how a day fills it, which side it hugs."""

    header: str
    cell: Cell
    right: bool = False


COLUMNS: dict[str, Column] = {
    "date": Column("date", lambda d, u: cells.day_label(d.get("date"), u.dates)),
    "high": Column("high", lambda d, u: _num(d.get("high"), u.temperature), right=True),
    "low": Column("low", lambda d, u: _num(d.get("low"), u.temperature), right=True),
    "chance": Column("chance", lambda d, u: _chance(d), right=True),
    "falls": Column("falls", lambda d, u: cells.falls(d, u.rain, u.snow)),
    "weather": Column("weather", lambda d, u: cells.weather_words(d, u.rain, u.snow)),
    "uv": Column("UV", lambda d, u: cells.uv(d)),
    "sun": Column("sunrise–set", lambda d, u: cells.sun(d)),
    "sunrise": Column("sunrise", lambda d, u: cells.clock(d.get("sunrise"))),
    "sunset": Column("sunset", lambda d, u: cells.clock(d.get("sunset"))),
    "daylight": Column("daylight", lambda d, u: _num(d.get("daylight_hours"), " h"), right=True),
    "moon": Column("moon", lambda d, u: clean(str(d.get("moon_phase") or cells.MISSING))),
    "conditions": Column("conditions", lambda d, u: clean(str(d.get("description") or ""))),
}


@dataclass(frozen=True)
class Layout:
    """Which columns a table has and how it writes dates (`iso`, `long`, `short`)."""

    dates: str
    columns: tuple[str, ...]


# A terminal gets the first layout that fits its width. At 80 columns the sky ("partly cloudy")
# and what falls ("snow 4.8 cm") share one column when both do not fit: a dry day has nothing
# in "falls", a wet day's description only repeats it ("slight snow"). Sunrise-sunset and UV
# never drop out; a wide terminal adds daylight and the moon.
TERMINAL = (
    Layout(
        "long",
        ("date", "high", "low", "chance", "falls", "uv", "sun", "daylight", "moon", "conditions"),
    ),
    Layout("long", ("date", "high", "low", "chance", "falls", "uv", "sun", "conditions")),
    Layout("short", ("date", "high", "low", "chance", "falls", "uv", "sun", "conditions")),
    Layout("short", ("date", "high", "low", "chance", "weather", "uv", "sun")),
)
# A pipe gets the same choice against the width Rich gives it (COLUMNS, else 80), so `| cat`
# and `| less` read as the terminal does; ISO dates first on every row for `grep 2026-12-19`,
# and a row is never folded onto a second line (grep would miss half of it). The widest has
# every field, sunrise and sunset apart; `--json` is the stable form for scripts.
PIPE = (
    Layout(
        "iso",
        ("date", "high", "low", "chance", "falls", "uv", "sunrise", "sunset", "daylight", "moon",
         "conditions"),
    ),
    Layout("iso", ("date", "high", "low", "chance", "falls", "uv", "sun", "conditions")),
    Layout("iso", ("date", "high", "low", "chance", "weather", "uv", "sun")),
)  # fmt: skip


def _chance(day: Mapping[str, Any]) -> str:
    chance = day.get("precipitation_probability_percent")
    return "n/a" if chance is None else f"{chance}%"


def units_of(forecast: Mapping[str, Any], temperature: str, dates: str) -> Units:
    """The units of a get_forecast output (its rows carry numbers only)."""
    inch = forecast.get("precipitation_unit") == "inch"
    snow = forecast.get("snowfall_unit") or ("inch" if inch else "cm")
    return Units(temperature, "in" if inch else "mm", "in" if snow == "inch" else "cm", dates)


def day_table(days: Sequence[Mapping[str, Any]], layout: Layout, units: Units) -> Table:
    """The daily table in one layout."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    chosen = [COLUMNS[key] for key in layout.columns]
    for column in chosen:
        table.add_column(column.header, justify="right" if column.right else "left")
    for day in days:
        table.add_row(*(column.cell(day, units) for column in chosen))
    return table


def natural_width(console: Console, table: Table) -> int:
    """How wide `table` is with no row wrapped (Rich clamps a measure to the console's width)."""
    return Measurement.get(console, console.options.update(width=10_000), table).maximum


def print_days(forecast: Mapping[str, Any], unit: str, out: Console) -> None:
    """The forecast's days as the widest table that fits `out`, one line a day."""
    days = [day for day in forecast.get("days") or () if isinstance(day, Mapping)]
    piped = not out.is_terminal
    for layout in PIPE if piped else TERMINAL:
        table = day_table(days, layout, units_of(forecast, unit, layout.dates))
        width = natural_width(out, table)
        if width <= out.width:
            break
    if not piped:
        # The narrowest layout still too wide (a phone-sized terminal): Rich folds its cells.
        out.print(table)
        return
    # Rendered at its own width, even past the pipe's, so no row is folded; no trailing pads.
    options = out.options.update(width=max(width, 1))
    for line in out.render_lines(table, options, pad=False):
        out.print(Text("".join(s.text for s in line).rstrip()), soft_wrap=True)


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
    hourly = report.get("hourly")
    if hourly:
        from weatherbot.render.hour_chart import print_hours, render_chart

        if out.is_terminal:
            render_chart(hourly, out)
        else:
            print_hours(hourly, out)
    forecast = report.get("forecast") or {}
    print_days(forecast, unit, out)
    source = report.get("source", "")
    note = report.get("note")
    footer = f"{source}" + (f" · {note}" if note else "")
    # Whole lines where something reads them; wrapped at words on a terminal, which would
    # otherwise break them mid-word at its edge ("on 202" / "6-05-11").
    soft = not err.is_terminal
    if report.get("hourly_message"):
        err.print(
            Text(f"hours: {clean(str(report['hourly_message']))}", style="yellow"), soft_wrap=soft
        )
    message = forecast.get("message")
    if message:
        # Fewer days than asked is said, not left for the reader to count the rows.
        err.print(Text(clean(str(message)), style="yellow"), soft_wrap=soft)
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
