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
    """get_rain_probability: today's maximum probability of precipitation (None: not given).

    `precipitation_types` says what is forecast to fall ("snow": the chance is of snow).
    """

    date: str
    probability_percent: int | None
    precipitation_types: list[str]


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
    """One local day of get_forecast: temperatures, what falls, sun, UV and moon."""

    date: str
    high: float | None
    low: float | None
    precipitation_probability_percent: int | None
    precipitation: float | None
    precipitation_mm: float | None
    precipitation_types: list[str]
    rain: float | None
    snowfall: float | None
    description: str | None
    sunrise: str | None
    sunset: str | None
    daylight_hours: float | None
    uv_index_max: float | None
    uv_category: str | None
    moon_phase: str
    moon_illumination_percent: int


class ForecastOutput(PlaceOutput, total=False):
    """get_forecast: the local days from today, in the requested units."""

    today: str
    unit: Unit
    precipitation_unit: str
    snowfall_unit: str
    horizon_days: int | None
    days: list[ForecastDay]


class HourOutput(TypedDict):
    """One local hour of get_hourly_forecast (amounts fall during the hour)."""

    time: str
    temperature: float | None
    feels_like: float | None
    precipitation_probability_percent: int | None
    precipitation: float | None
    precipitation_types: list[str]
    snowfall: float | None
    wind_speed: float | None
    uv_index: float | None
    description: str | None
    is_day: bool | None


class HoursSummary(TypedDict):
    """What a window of hours adds up to, so nobody has to read every row."""

    temperature_max: float | None
    temperature_min: float | None
    precipitation_probability_max_percent: int | None
    most_likely_at: str | None
    precipitation_total: float | None
    snowfall_total: float | None
    precipitation_types: list[str]
    wet_hours: int
    wet_at_start: bool
    starts_at: str | None
    stops_at: str | None
    uv_index_max: float | None


class HourlyOutput(PlaceOutput, total=False):
    """get_hourly_forecast: the hours of a day part or from a time, local to the place."""

    local_time: str
    date: str
    part: str
    start: str
    end: str
    unit: Unit
    precipitation_unit: str
    snowfall_unit: str
    wind_unit: str
    hours: list[HourOutput]
    summary: HoursSummary
    window_note: str


class AirQualityDay(TypedDict):
    """The worst hour of one local day of the air-quality forecast."""

    date: str
    us_aqi_max: int | None
    us_aqi_category: str | None
    european_aqi_max: int | None
    european_aqi_category: str | None


class AirQualityOutput(PlaceOutput, total=False):
    """get_air_quality: indices with their categories in words, particles, gases, pollen."""

    time: str
    us_aqi: int | None
    us_aqi_category: str | None
    european_aqi: int | None
    european_aqi_category: str | None
    pm2_5: float | None
    pm10: float | None
    ozone: float | None
    nitrogen_dioxide: float | None
    concentration_unit: str
    pollen: dict[str, float] | None
    pollen_unit: str
    days: list[AirQualityDay]


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


WeatherOutput = (
    TemperatureOutput
    | RainOutput
    | ConditionsOutput
    | ForecastOutput
    | AlertsOutput
    | HourlyOutput
    | AirQualityOutput
)
ToolOutput = WeatherOutput | ErrorOutput
