"""What `weatherbot now` shows: the conditions now and today's essentials, from one forecast.

No model is involved; the values are the tools' own (same units, same "today"), flattened into
one object that a status line formats and a snapshot stores.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from weatherbot.tools.context import (
    ToolContext,
    Unit,
    in_unit,
    lookup,
    precipitation_in,
    wind_in,
)
from weatherbot.tools.sky import moon_phase


class Glance(TypedDict):
    """A place's weather at a glance (None: the provider has no such value)."""

    location: str
    name: str
    timezone: str
    source: str
    time: str | None
    fetched_at: float
    cache_age_s: float | None
    sample_date: str | None
    unit: Unit
    temperature: float | None
    feels_like: float | None
    humidity_percent: int | None
    wind_speed: float | None
    wind_unit: str
    weather_code: int | None
    description: str | None
    is_day: bool | None
    precipitation_probability_percent: int | None
    precipitation: float | None
    precipitation_unit: str
    precipitation_types: list[str]
    uv_index_max: float | None
    sunrise: str | None
    sunset: str | None
    moon_phase: str


def _clock(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%H:%M")


def glance(ctx: ToolContext, location: str, unit: Unit) -> Glance:
    """The glance for `location` in `unit` (ProviderError as the tools raise it)."""
    place, forecast = lookup(ctx, location)
    wind_unit, rain_unit = ctx.units_for(unit)
    now = forecast.current
    today = forecast.day(forecast.today)
    is_day: bool | None = None
    if now is not None and today is not None and today.sunrise and today.sunset:
        is_day = today.sunrise <= now.time < today.sunset
    elif today is not None and today.daylight_s == 0:
        is_day = False
    chance = today.precipitation_probability_pct if today else None
    return {
        "location": place.display_name,
        "name": place.name,
        "timezone": forecast.timezone,
        "source": forecast.source,
        "time": now.time.isoformat(timespec="minutes") if now else None,
        "fetched_at": forecast.fetched_at.timestamp() - (forecast.cache_age_s or 0.0),
        "cache_age_s": forecast.cache_age_s,
        "sample_date": forecast.sample_date,
        "unit": unit,
        "temperature": in_unit(now.temperature_c, unit) if now else None,
        "feels_like": in_unit(now.apparent_temperature_c, unit) if now else None,
        "humidity_percent": round(now.humidity_pct)
        if now and now.humidity_pct is not None
        else None,
        "wind_speed": wind_in(now.wind_speed_ms, wind_unit) if now else None,
        "wind_unit": wind_unit,
        "weather_code": now.weather_code if now else None,
        "description": now.description if now else None,
        "is_day": is_day,
        "precipitation_probability_percent": None if chance is None else round(chance),
        "precipitation": precipitation_in(today.precipitation_mm, rain_unit) if today else None,
        "precipitation_unit": rain_unit,
        "precipitation_types": list(today.precipitation_kinds) if today else [],
        "uv_index_max": None
        if today is None or today.uv_index_max is None
        else round(today.uv_index_max, 1),
        "sunrise": _clock(today.sunrise) if today else None,
        "sunset": _clock(today.sunset) if today else None,
        "moon_phase": moon_phase(forecast.today)[0],
    }
