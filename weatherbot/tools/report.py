"""The `weather` command's report: current conditions and the next days for one place, no model.

The same tools the model calls, with the unit chosen here instead of by the model: the
settings' unit system, or for `auto` the one people use where the place is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from weatherbot.errors import ProviderError, UsageError
from weatherbot.providers.registry import build_service
from weatherbot.providers.service import WeatherService
from weatherbot.settings import Settings
from weatherbot.tools.hourly import get_hourly_forecast
from weatherbot.tools.outputs import ConditionsOutput, ForecastOutput, HourlyOutput, Unit
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
    # The next hours (get_hourly_forecast), None when not asked for or not available.
    hourly: HourlyOutput | None
    hourly_message: str | None


def default_place_name(service: WeatherService) -> str:
    """The default saved place's name, or UsageError saying how to give or save one."""
    default = service.saved.default_place()
    if default is None:
        raise UsageError(
            "no place given and no default place saved",
            hint="name one, e.g. 'Paris, France', or save a default: "
            "weatherbot place add home 'Oakland, CA'",
        )
    return default.name


def weather_report(
    settings: Settings,
    place: str,
    days: int,
    on_warning: Callable[[str], None] | None = None,
    hours: int = 0,
) -> WeatherReport:
    """Resolve `place` (none: the default saved place), then its current conditions, `days`
    days of forecast and (`hours` > 0) the next hours."""
    service = build_service(settings, on_warning=on_warning)
    query = place.strip() or default_place_name(service)
    ctx = ToolContext(service)
    # An unknown or ambiguous place fails here, before any tool runs.
    ctx.weather.resolve(query)
    unit = unit_for(settings.units, ctx.weather, query)
    current = get_current_conditions(ctx, query, unit)
    forecast = get_forecast(ctx, query, days, unit)
    hourly: HourlyOutput | None = None
    hourly_message = None
    if hours > 0:
        try:
            hourly = get_hourly_forecast(ctx, query, hours=hours, unit=unit)
        except ProviderError as exc:
            # No hourly data (NWS, the sample's London): the days are still worth showing.
            # The tool's message speaks to a model ("; get_forecast has..."): the first part.
            hourly_message = exc.message.split(";")[0]
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
        "hourly": hourly,
        "hourly_message": hourly_message,
    }
