"""The typed values the weather tools return; their JSON text is what the model reads.

Renderers, the footer and the offline writer read these values (carried by
`ToolCallFinished.value`) instead of parsing the JSON string again. They are TypedDicts so the
value and its JSON text are the same data, checked by mypy where it is built and where it is read.
This module imports nothing from weatherbot, so `events` can name these types.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Unit = Literal["Celsius", "Fahrenheit"]


class PlaceOutput(TypedDict):
    """What every successful weather output carries: the resolved place and the source."""

    location: str
    latitude: float
    longitude: float
    timezone: str | None
    source: str
    # Set only for recorded sample data, cached answers and provider remarks.
    sample_date: NotRequired[str]
    note: NotRequired[str]
    cache_age_s: NotRequired[int]
    notes: NotRequired[list[str]]
    # A provider without the asked-for data says so here (with or without `error`).
    error: NotRequired[str]
    message: NotRequired[str]


class TemperatureOutput(PlaceOutput, total=False):
    """get_current_temperature: the temperature in the requested unit, at the local time."""

    temperature: float | None
    unit: Unit
    time: str


class RainOutput(PlaceOutput, total=False):
    """get_rain_probability: today's maximum probability of precipitation (None: not given)."""

    date: str
    probability_percent: int | None


class ConditionsOutput(PlaceOutput, total=False):
    """get_current_conditions: temperature, feels-like, humidity, wind and a description."""

    time: str
    unit: Unit
    temperature: float | None
    feels_like: float | None
    humidity_percent: int | None
    wind_speed: float | None
    wind_unit: str
    wind_speed_ms: float | None
    description: str | None


class ForecastDay(TypedDict):
    """One local day of get_forecast."""

    date: str
    high: float | None
    low: float | None
    precipitation_probability_percent: int | None
    precipitation: float | None
    precipitation_mm: float | None
    description: str | None


class ForecastOutput(PlaceOutput, total=False):
    """get_forecast: the local days from today, in the requested units."""

    today: str
    unit: Unit
    precipitation_unit: str
    days: list[ForecastDay]


class AlertOutput(TypedDict):
    """One active alert."""

    event: str | None
    headline: str | None
    severity: str | None
    expires: str | None


class AlertsOutput(PlaceOutput, total=False):
    """get_weather_alerts: `alerts` is None when the provider has no alert data at all."""

    alerts_available: bool
    alerts: list[AlertOutput] | None


class ErrorOutput(TypedDict):
    """A call that failed: bad arguments, an unknown or ambiguous place, a provider outage."""

    error: str
    message: str
    candidates: NotRequired[list[str]]


WeatherOutput = TemperatureOutput | RainOutput | ConditionsOutput | ForecastOutput | AlertsOutput
ToolOutput = WeatherOutput | ErrorOutput
