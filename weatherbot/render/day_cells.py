"""The words and figures of one forecast day (a get_forecast row), as the weather table shows them.

Each function takes the day's mapping as the tool returned it and gives a short string, "–"
when the provider had no value. Nothing here knows the table's layout: the same cell reads the
same in a pipe, on an 80-column terminal and on a wide one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from rich.text import Text

from weatherbot.render.sanitize import clean

MISSING = "–"
# What falls as liquid, in the words of the provider's kinds (rain and showers add up to the
# tool's `rain` amount; drizzle, sleet and freezing rain are counted in it by Open-Meteo too).
_LIQUID = ("rain", "showers", "drizzle", "freezing_rain", "sleet")
_UV_STYLE = {
    "low": "green",
    "moderate": "yellow",
    "high": "dark_orange",
    "very high": "red",
    "extreme": "magenta",
}


def num(value: Any, suffix: str = "") -> str:
    """`value` with its unit, or "–" when the provider had none."""
    if value is None:
        return MISSING
    return f"{value}{suffix}"


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and value > 0


def kind_word(kind: str) -> str:
    """A precipitation kind as words ("freezing_rain" -> "freezing rain")."""
    return clean(kind).replace("_", " ")


def falls(day: Mapping[str, Any], rain_unit: str, snow_unit: str) -> str:
    """What falls and how much: "snow 4.8 cm", "rain 8.4 mm", "drizzle"; "none" when dry.

    The provider's main kind comes first. Snow is given as its depth (snowfall) and liquid as
    its amount, never the day's total as "rain": 7 mm of water that fell as 4.8 cm of snow is
    snow. When the provider gives only the total and the kinds (no split), the total follows
    the kinds in brackets, as water, so it is not read as a depth of snow.
    """
    kinds = [k for k in day.get("precipitation_types") or () if isinstance(k, str)]
    snow, rain = day.get("snowfall"), day.get("rain")
    parts: dict[str, str] = {}
    if _positive(snow):
        parts["snow"] = f"snow {snow} {snow_unit}"
    liquid = next((k for k in kinds if k in _LIQUID), "rain")
    if _positive(rain):
        parts[liquid] = f"{kind_word(liquid)} {rain} {rain_unit}"
    # Kinds in the provider's order (main first), each amount beside its kind; the other
    # liquid kinds are in the one liquid amount already ("drizzle 2 mm", not "..., rain").
    words: list[str] = []
    for kind in kinds:
        if kind in _LIQUID and kind != liquid and _positive(rain):
            continue
        word = parts.pop(kind, None) or kind_word(kind)
        if word not in words:
            words.append(word)
    # An amount whose kind the provider did not list still says what it is.
    words += parts.values()
    total = day.get("precipitation")
    if not _positive(snow) and not _positive(rain) and _positive(total):
        return f"{'/'.join(words) or 'precipitation'} ({total} {rain_unit})"
    if words:
        return ", ".join(words)
    # Dry only when the provider says so: a total of 0, or no rain and no snow.
    if total == 0 or (total is None and rain == 0 and snow == 0):
        return "none"
    return MISSING


def weather_words(day: Mapping[str, Any], rain_unit: str, snow_unit: str) -> str:
    """What falls when something does, else the sky ("partly cloudy"): one narrow column."""
    fell = falls(day, rain_unit, snow_unit)
    description = clean(str(day.get("description") or ""))
    if fell in {"none", MISSING}:
        return description or fell
    # Thunder is the one thing the amounts cannot say.
    return f"thunder, {fell}" if "thunder" in description else fell


def uv(day: Mapping[str, Any]) -> Text:
    """The day's UV index max and its category, "12.4 extreme" (coloured by category)."""
    index, category = day.get("uv_index_max"), day.get("uv_category")
    if index is None:
        return Text(MISSING)
    name = clean(str(category)) if category else ""
    text = Text(f"{index}")
    if name:
        text.append(" ")
        text.append(name, style=_UV_STYLE.get(name, ""))
    return text


def clock(moment: Any) -> str:
    """Local HH:MM of an ISO time with offset ("2026-12-07T08:31+01:00" -> "08:31")."""
    if not isinstance(moment, str):
        return MISSING
    try:
        # The provider's own local time: shown as it is, not moved to this machine's zone.
        return datetime.fromisoformat(moment).strftime("%H:%M")
    except ValueError:
        return MISSING


def sun(day: Mapping[str, Any]) -> str:
    """Sunrise and sunset in one cell, "08:31–16:53"; "polar night" / "no sunset" on a day
    without either (daylight 0 or 24 h); "–" when neither is known."""
    rise, set_ = clock(day.get("sunrise")), clock(day.get("sunset"))
    if rise == MISSING and set_ == MISSING:
        daylight = day.get("daylight_hours")
        if daylight == 0:
            return "polar night"
        if isinstance(daylight, int | float) and daylight >= 23.9:
            return "no sunset"
        return MISSING
    # One side unknown reads as an unknown clock, not as a dash beside the dash between them.
    return f"{_or_unknown(rise)}–{_or_unknown(set_)}"


def _or_unknown(hhmm: str) -> str:
    return "--:--" if hhmm == MISSING else hhmm


def day_label(value: Any, style: str) -> str:
    """The date as `iso` ("2026-12-07"), `long` ("Mon 2026-12-07") or `short` ("Mon 07")."""
    text = clean(str(value))
    if style == "iso":
        return text
    try:
        when = date.fromisoformat(text)
    except ValueError:
        return text
    # English day names whatever the machine's locale, like every other word in the table.
    weekday = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[when.weekday()]
    return f"{weekday} {text}" if style == "long" else f"{weekday} {when.day:02d}"
