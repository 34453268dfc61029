"""The `weather` command's report: current conditions and the next days for one place, no model.

The same tools the model calls, with the unit chosen here instead of by the model: the
settings' unit system, or for `auto` the one people use where the place is.
"""

from __future__ import annotations

from typing import TypedDict

from weatherbot.errors import UsageError
from weatherbot.providers.registry import build_service
from weatherbot.settings import Settings
from weatherbot.tools.outputs import ConditionsOutput, ForecastOutput, Unit
from weatherbot.tools.weather import (
    ToolContext,
    get_current_conditions,
    get_forecast,
    unit_for,
)


class WeatherReport(TypedDict):
    """What `weatherbot weather` renders, and prints as JSON with `--json` (keys in this order)."""

    location: str
    latitude: float
    longitude: float
    timezone: str | None
    source: str
    unit: Unit
    current: ConditionsOutput
    forecast: ForecastOutput
    note: str | None


def weather_report(settings: Settings, place: str, days: int) -> WeatherReport:
    """Resolve `place`, then its current conditions and `days` days of forecast."""
    query = place.strip()
    if not query:
        raise UsageError("no place given", hint="e.g. weatherbot weather 'Paris, France'")
    ctx = ToolContext(build_service(settings))
    # An unknown or ambiguous place fails here, before any tool runs.
    ctx.weather.resolve(query)
    unit = unit_for(settings.units, ctx.weather, query)
    current = get_current_conditions(ctx, query, unit)
    forecast = get_forecast(ctx, query, days, unit)
    return {
        "location": current["location"],
        "latitude": current["latitude"],
        "longitude": current["longitude"],
        "timezone": current["timezone"],
        "source": current["source"],
        "unit": unit,
        "current": current,
        "forecast": forecast,
        "note": current.get("note"),
    }
