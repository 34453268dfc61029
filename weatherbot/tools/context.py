"""What every weather tool shares: the call's context, unit conversions, the place keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from weatherbot.providers.models import Forecast, Place
from weatherbot.providers.places import uses_fahrenheit
from weatherbot.providers.service import WeatherService
from weatherbot.tools.outputs import PlaceOutput

Unit = Literal["Celsius", "Fahrenheit"]
LOCATION_DOC = (
    "City and optional region or country, e.g. 'San Francisco, CA' or 'Paris, France'; or 'lat,lon'"
)


@dataclass
class ToolContext:
    """What a tool call may use: the question's weather service.

    `wind_unit` / `precipitation_unit` override the service's preferences (None: use them).
    """

    weather: WeatherService
    wind_unit: str | None = None
    precipitation_unit: str | None = None

    def units_for(self, temperature_unit: str) -> tuple[str, str]:
        """(wind unit, precipitation unit) to show next to a temperature unit."""
        # getattr: tests and plugins may hand in a service-like object without preferences.
        wind = str(self.wind_unit or getattr(self.weather, "wind_unit", "auto"))
        rain = str(self.precipitation_unit or getattr(self.weather, "precipitation_unit", "auto"))
        imperial = temperature_unit == "Fahrenheit"
        if wind == "auto":
            wind = "mph" if imperial else "km/h"
        if rain == "auto":
            rain = "inch" if imperial else "mm"
        return wind, rain


def unit_for(units: str, weather: WeatherService, location: str) -> Unit:
    """The temperature unit for a unit system: metric, imperial, or `auto` (the place's own).

    For `auto` the place is resolved (the service caches it, so the tool call's own lookup is
    free); a place that cannot be resolved gets Celsius, and the tool call reports the failure.
    """
    if units == "metric":
        return "Celsius"
    if units == "imperial":
        return "Fahrenheit"
    try:
        place = weather.resolve(location)
    except Exception:
        return "Celsius"
    return "Fahrenheit" if uses_fahrenheit(place.country_code) else "Celsius"


def c_to_f(celsius: float) -> float:
    """Degrees Celsius to Fahrenheit."""
    return celsius * 9 / 5 + 32


def in_unit(celsius: float | None, unit: str) -> float | None:
    """A Celsius value in the requested unit, rounded to one decimal."""
    if celsius is None:
        return None
    return round(c_to_f(celsius) if unit == "Fahrenheit" else celsius, 1)


# 1 m/s in each display unit; mph is exactly 0.44704 m/s.
WIND_FROM_MS = {"m/s": 1.0, "km/h": 3.6, "mph": 1 / 0.44704}


def wind_in(speed_ms: float | None, unit: str) -> float | None:
    """A wind speed in m/s shown in `unit` (m/s, km/h or mph), one decimal."""
    if speed_ms is None:
        return None
    return round(speed_ms * WIND_FROM_MS.get(unit, 1.0), 1)


def precipitation_in(amount_mm: float | None, unit: str) -> float | None:
    """A precipitation amount in mm shown in `unit` (mm: one decimal, inch: two)."""
    if amount_mm is None:
        return None
    return round(amount_mm / 25.4, 2) if unit == "inch" else round(amount_mm, 1)


def snowfall_in(amount_cm: float | None, precipitation_unit: str) -> float | None:
    """A snow depth in cm shown in cm (one decimal) or, beside inches of rain, in inches."""
    if amount_cm is None:
        return None
    return round(amount_cm / 2.54, 1) if precipitation_unit == "inch" else round(amount_cm, 1)


def place_output(place: Place, forecast: Forecast) -> PlaceOutput:
    """The keys every weather output starts with: the place, its zone, the source."""
    out: PlaceOutput = {
        "location": place.display_name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": forecast.timezone or place.timezone,
        "source": forecast.source,
    }
    if forecast.sample_date:
        out["sample_date"] = forecast.sample_date
        out["note"] = f"recorded sample data from {forecast.sample_date}, not live"
    if forecast.cache_age_s is not None:
        out["cache_age_s"] = round(forecast.cache_age_s)
    if forecast.notes:
        out["notes"] = list(forecast.notes)
    return out


def lookup(ctx: ToolContext, location: str) -> tuple[Place, Forecast]:
    """The place a location names and its forecast (each fetched once per question)."""
    place = ctx.weather.resolve(location)
    return place, ctx.weather.forecast(place)
