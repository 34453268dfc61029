"""The next hours drawn in the terminal: a temperature line, precipitation-chance bars, night.

Drawn with Rich Text and block characters rather than a plotting library: three small rows
need no canvas, every glyph is plain text (readable without colour, copyable, width-exact),
and Rich is already how weatherbot writes to the terminal. Colour only adds emphasis.
Piped, the same hours are printed as data (one tab-separated row per hour), not drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from weatherbot.render.sanitize import clean

TEMPERATURE_ROWS = 5
CHANCE_LEVELS = "▁▂▃▄▅▆▇█"
GUTTER = 6
NIGHT = "·"


def _time(row: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(row.get("time")))
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def column_width(hours: int, width: int) -> int:
    """Columns per hour: as wide as fits (up to 4), at least 1."""
    return max(1, min(4, (width - GUTTER) // max(1, hours)))


def _temperature_rows(rows: Sequence[Mapping[str, Any]], cell: int, unit: str) -> list[Text]:
    temps = [_number(r.get("temperature")) for r in rows]
    known = [t for t in temps if t is not None]
    lines = [Text() for _ in range(TEMPERATURE_ROWS)]
    if not known:
        return lines
    high, low = max(known), min(known)
    span = (high - low) or 1.0
    # A nearly flat line keeps its decimal: "11°C" over "11°C" would look like a step.
    digits = 1 if high - low < 3 else 0
    labels = {0: f"{high:.{digits}f}{unit}", TEMPERATURE_ROWS - 1: f"{low:.{digits}f}{unit}"}
    if len(rows) == 1 or high == low:
        labels = {0: f"{high:.{digits}f}{unit}"}
    for i, line in enumerate(lines):
        line.append(labels.get(i, "").rjust(GUTTER - 1) + " ", style="dim")
    for row, temp in zip(rows, temps, strict=True):
        night = row.get("is_day") is False
        level = None if temp is None else round((high - temp) / span * (TEMPERATURE_ROWS - 1))
        for i, line in enumerate(lines):
            if level == i:
                line.append("━" * cell, style="bold red" if temp == high else "red")
            else:
                line.append((NIGHT if night else " ") * cell, style="blue dim")
    return lines


def _chance_label(rows: Sequence[Mapping[str, Any]]) -> str:
    """What the bars are the chance of: rain, snow, or both (precipitation)."""
    kinds = {str(k) for r in rows for k in r.get("precipitation_types") or []}
    if kinds and kinds <= {"snow"}:
        return "snow%"
    return "prec%" if "snow" in kinds or "sleet" in kinds else "rain%"


def _chance_row(rows: Sequence[Mapping[str, Any]], cell: int) -> Text | None:
    """The bars; None when the provider gives no chance for any of these hours (MET)."""
    if all(_number(r.get("precipitation_probability_percent")) is None for r in rows):
        return None
    line = Text(_chance_label(rows).rjust(GUTTER - 1) + " ", style="dim")
    for row in rows:
        chance = _number(row.get("precipitation_probability_percent"))
        if chance is None:
            line.append(" " * cell)
            continue
        if chance < 5:
            line.append(" " * cell)
            continue
        glyph = CHANCE_LEVELS[min(7, int(chance / 100 * 8))]
        snow = "snow" in (row.get("precipitation_types") or [])
        line.append(glyph * cell, style="cyan" if snow else "blue")
    return line


def _axis(rows: Sequence[Mapping[str, Any]], cell: int) -> Text:
    """Hour labels on round hours (as many as fit), the day's name at midnight."""
    line = Text(" " * GUTTER)
    # Every 1, 2, 3, 4, 6 or 12 hours: the first step that leaves a label 4 columns.
    step = next((n for n in (1, 2, 3, 4, 6, 12) if n * cell >= 4), 12)
    for i, row in enumerate(rows):
        moment = _time(row)
        position = GUTTER + i * cell
        if moment is None or moment.hour % step or position < len(line):
            continue
        label = moment.strftime("%a") if moment.hour == 0 else moment.strftime("%H")
        line.append(" " * (position - len(line)))
        line.append(label, style="bold" if moment.hour == 0 else "dim")
    return line


def render_chart(hourly: Mapping[str, Any], out: Console, width: int | None = None) -> None:
    """Draw the hours of a get_hourly_forecast output, sized to the terminal."""
    rows: list[Mapping[str, Any]] = list(hourly.get("hours") or [])
    if not rows:
        return
    width = width or out.width
    cell = column_width(len(rows), width)
    rows = rows[: max(1, (width - GUTTER) // cell)]
    unit = "°F" if hourly.get("unit") == "Fahrenheit" else "°C"
    first, last = _time(rows[0]), _time(rows[-1])
    span = f", {first:%H:%M}" if first else ""
    if last and len(rows) > 1:
        span += f" to {last:%a %H:%M}"
    span += " local time" if first else ""
    nights = any(r.get("is_day") is False for r in rows)
    legend = f" ({NIGHT} night)" if nights else ""
    count = "next hour" if len(rows) == 1 else f"next {len(rows)} hours"
    out.print(Text(f"{count}{span}{legend}", style="dim"))
    for line in _temperature_rows(rows, cell, unit):
        out.print(line, no_wrap=True, crop=True)
    chances = _chance_row(rows, cell)
    if chances is not None:
        out.print(chances, no_wrap=True, crop=True)
    out.print(_axis(rows, cell), no_wrap=True, crop=True)


def print_hours(hourly: Mapping[str, Any], out: Console) -> None:
    """The hours as data for a pipe: time, temperature, chance, amount, what falls, UV."""
    unit = "°F" if hourly.get("unit") == "Fahrenheit" else "°C"
    rain_unit = "in" if hourly.get("precipitation_unit") == "inch" else "mm"
    for row in hourly.get("hours") or []:
        kinds = ",".join(str(k) for k in row.get("precipitation_types") or []) or "-"
        fields = [
            str(row.get("time") or ""),
            _cell(row.get("temperature"), unit, 1),
            _cell(row.get("precipitation_probability_percent"), "%", 0),
            _cell(row.get("precipitation"), rain_unit, 2 if rain_unit == "in" else 1),
            kinds,
            _cell(row.get("uv_index"), " UV", 1),
            "night" if row.get("is_day") is False else "day" if row.get("is_day") else "-",
        ]
        # Real tabs (Rich would expand them), so `cut -f` works.
        out.file.write("\t".join(clean(f) for f in fields) + "\n")


def _cell(value: Any, suffix: str, digits: int) -> str:
    """A number with a fixed count of decimals (columns of data line up), or "-"."""
    number = _number(value)
    if number is None:
        return "-"
    return f"{number:.{digits}f}{suffix}"
