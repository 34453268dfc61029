"""get_hourly_forecast: the hours of a day part (or from a time) at a place, with a summary.

Day parts are defined once, here, and the tool's description states them, so the model and
the offline planner mean the same hours by "this afternoon" or "tonight".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal, cast

from weatherbot.errors import ProviderError
from weatherbot.providers.models import Forecast, Hour
from weatherbot.providers.precipitation import TRACE_MM
from weatherbot.tools.context import (
    LOCATION_DOC,
    ToolContext,
    Unit,
    in_unit,
    place_output,
    precipitation_in,
    snowfall_in,
    wind_in,
)
from weatherbot.tools.outputs import HourlyOutput, HourOutput, HoursSummary
from weatherbot.tools.registry import ToolArgumentError

DayPart = Literal["now", "morning", "afternoon", "evening", "tonight", "whole_day"]
# Start hour and length of each part, local time. Tonight runs until the next morning.
PARTS: dict[str, tuple[int, int]] = {
    "morning": (6, 6),
    "afternoon": (12, 6),
    "evening": (18, 4),
    "tonight": (18, 12),
    "whole_day": (0, 24),
}
FROM_NOW_HOURS = 12
FROM_TIME_HOURS = 3
MAX_HOURS = 48
# A chance this high counts an hour as wet where the provider gives no amount.
WET_CHANCE_PCT = 50.0
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(text: str, today: date) -> date:
    """today, tomorrow, a weekday (the next one, today included) or YYYY-MM-DD."""
    word = text.strip().casefold()
    if word in ("", "today"):
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word in _WEEKDAYS:
        return today + timedelta(days=(_WEEKDAYS.index(word) - today.weekday()) % 7)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ToolArgumentError(
            "invalid_arguments",
            f"day must be today, tomorrow, a weekday or YYYY-MM-DD, got {text!r}",
        ) from None


def _start_time(text: str) -> time:
    try:
        hour, _, minute = text.strip().partition(":")
        return time(int(hour), int(minute or 0))
    except ValueError:
        raise ToolArgumentError(
            "invalid_arguments", f"start_time must be HH:MM (24-hour), got {text!r}"
        ) from None


def _now(forecast: Forecast, hours: Sequence[Hour]) -> datetime:
    # The provider's own "now" (its current reading) keeps answers and data in step.
    if forecast.current is not None:
        return forecast.current.time
    return datetime.now(hours[0].time.tzinfo)


def _wet(hour: Hour) -> bool:
    if hour.precipitation_mm is not None:
        return hour.precipitation_mm >= TRACE_MM
    chance = hour.precipitation_probability_pct
    return chance is not None and chance >= WET_CHANCE_PCT


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def summarise(rows: Sequence[Hour], unit: str, rain_unit: str) -> HoursSummary:
    """Highs and lows, the likeliest hour, totals, and when precipitation starts and stops."""
    temperatures = [h.temperature_c for h in rows if h.temperature_c is not None]
    chances = [h for h in rows if h.precipitation_probability_pct is not None]
    likeliest = max(chances, key=lambda h: h.precipitation_probability_pct or 0.0, default=None)
    amounts = [h.precipitation_mm for h in rows if h.precipitation_mm is not None]
    snow = [h.snowfall_cm for h in rows if h.snowfall_cm is not None]
    uv = [h.uv_index for h in rows if h.uv_index is not None]
    wet = [_wet(h) for h in rows]
    starts = stops = None
    first_wet = wet.index(True) if True in wet else None
    if first_wet is not None:
        if first_wet > 0:
            starts = _stamp(rows[first_wet].time)
        after = next((i for i in range(first_wet, len(rows)) if not wet[i]), None)
        stops = None if after is None else _stamp(rows[after].time)
    return {
        "temperature_max": in_unit(max(temperatures), unit) if temperatures else None,
        "temperature_min": in_unit(min(temperatures), unit) if temperatures else None,
        "precipitation_probability_max_percent": None
        if likeliest is None
        else round(likeliest.precipitation_probability_pct or 0.0),
        "most_likely_at": None if likeliest is None else _stamp(likeliest.time),
        "precipitation_total": precipitation_in(sum(amounts), rain_unit) if amounts else None,
        "snowfall_total": snowfall_in(sum(snow), rain_unit) if snow else None,
        "precipitation_types": list(
            dict.fromkeys(
                k for h, w in zip(rows, wet, strict=True) if w for k in h.precipitation_kinds
            )
        ),
        "wet_hours": sum(wet),
        "wet_at_start": bool(wet and wet[0]),
        "starts_at": starts,
        "stops_at": stops,
        "uv_index_max": round(max(uv), 1) if uv else None,
    }


def _row(hour: Hour, unit: str, wind_unit: str, rain_unit: str) -> HourOutput:
    return {
        "time": _stamp(hour.time),
        "temperature": in_unit(hour.temperature_c, unit),
        "feels_like": in_unit(hour.apparent_temperature_c, unit),
        "precipitation_probability_percent": None
        if hour.precipitation_probability_pct is None
        else round(hour.precipitation_probability_pct),
        "precipitation": precipitation_in(hour.precipitation_mm, rain_unit),
        "precipitation_types": list(hour.precipitation_kinds) if _wet(hour) else [],
        "snowfall": snowfall_in(hour.snowfall_cm, rain_unit),
        "wind_speed": wind_in(hour.wind_speed_ms, wind_unit),
        "uv_index": None if hour.uv_index is None else round(hour.uv_index, 1),
        "description": hour.description,
        "is_day": hour.is_day,
    }


def _window(
    part: str, when: date, start_time: str | None, hours: int | None, now: datetime
) -> tuple[datetime, datetime, str | None]:
    """The window's start and end (local), and a note when it had to move.

    Today's part that is already over there (an afternoon asked about at 23:30 local, often
    from another time zone) is tomorrow's; "tonight" asked before dawn is the rest of it.
    """
    zone = now.tzinfo
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    today = when == now.date()
    if start_time:
        start = datetime.combine(when, _start_time(start_time), tzinfo=zone)
        start = start.replace(minute=0)
        end = start + timedelta(hours=hours or FROM_TIME_HOURS)
        if today and end <= now:
            note = f"{start:%H:%M} is past there (local time {now:%H:%M}): these are tomorrow's"
            return start + timedelta(days=1), end + timedelta(days=1), note
        return start, end, None
    if part == "now" and today:
        return this_hour, this_hour + timedelta(hours=hours or FROM_NOW_HOURS), None
    first, length = PARTS.get(part, PARTS["whole_day"])
    if part == "tonight" and today and now.hour < PARTS["morning"][0]:
        dawn = datetime.combine(when, time(PARTS["morning"][0]), tzinfo=zone)
        return this_hour, dawn, None
    start = datetime.combine(when, time(first), tzinfo=zone)
    end = start + timedelta(hours=hours or length)
    if today and end <= now:
        label = part.replace("_", " ")
        note = (
            f"the {label} is over there (local time {now:%H:%M}): "
            f"these hours are tomorrow's {label}"
        )
        return start + timedelta(days=1), end + timedelta(days=1), note
    return max(start, this_hour), end, None


def get_hourly_forecast(
    ctx: ToolContext,
    location: Annotated[str, LOCATION_DOC],
    part: Annotated[
        DayPart,
        "Which hours: now (from the current hour), morning, afternoon, evening, tonight "
        "or whole_day",
    ] = "now",
    day: Annotated[str, "today, tomorrow, a weekday or YYYY-MM-DD (the place's local date)"] = (
        "today"
    ),
    start_time: Annotated[
        str | None, "Local HH:MM to start at instead of the part ('at 6 pm': '18:00')"
    ] = None,
    hours: Annotated[int | None, "How many hours (1-48); the default fits the part"] = None,
    unit: Annotated[Unit, "Temperature unit; infer it from the user's location"] = "Celsius",
) -> HourlyOutput:
    """Get the hourly forecast in the location's local time, with a summary.

    Day parts, local time: morning 06-12, afternoon 12-18, evening 18-22, tonight 18:00 until
    06:00 the next morning, whole_day 00-24. Today's parts start no earlier than the current
    hour; one already over there is tomorrow's (window_note says so). now: the next 12 hours;
    start_time: 3 hours from then. The summary gives the highest chance of precipitation and
    its hour, totals, what falls, and when precipitation starts (starts_at) and stops
    (stops_at; null if it goes on past the window).
    """
    place = ctx.weather.resolve(location)
    forecast = ctx.weather.forecast(place)
    out = cast(HourlyOutput, place_output(place, forecast))
    series = forecast.hourly
    if not series:
        raise ProviderError(
            "unavailable",
            f"{forecast.source} has no hourly forecast; get_forecast has its daily one",
        )
    now = _now(forecast, series)
    when = _day(day, forecast.today)
    count = None if hours is None else max(1, min(hours, MAX_HOURS))
    start, end, note = _window(part, when, start_time, count, now)
    when = start.date() if note else when
    rows = [h for h in series if start <= h.time < end]
    if not rows:
        first, last = series[0].time.date(), series[-1].time.date()
        raise ProviderError(
            "out_of_range",
            f"{forecast.source}'s hourly forecast covers {first.isoformat()} to "
            f"{last.isoformat()} only",
        )
    wind_unit, rain_unit = ctx.units_for(unit)
    out["local_time"] = _stamp(now)
    out["date"] = when.isoformat()
    out["part"] = "from " + start_time if start_time else part
    out["start"] = _stamp(start)
    out["end"] = _stamp(end)
    out["unit"] = unit
    out["precipitation_unit"] = rain_unit
    out["snowfall_unit"] = "inch" if rain_unit == "inch" else "cm"
    out["wind_unit"] = wind_unit
    out["hours"] = [_row(h, unit, wind_unit, rain_unit) for h in rows]
    out["summary"] = summarise(rows, unit, rain_unit)
    if note:
        out["window_note"] = note
    return out
