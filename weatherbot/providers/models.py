"""Typed weather values (metric, tz-aware) that every provider produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Place:
    """A resolved place: coordinates, IANA time zone and the names to show."""

    name: str
    latitude: float
    longitude: float
    timezone: str
    admin1: str | None = None
    country: str | None = None
    country_code: str | None = None
    population: int | None = None
    feature_code: str | None = None

    @property
    def display_name(self) -> str:
        """`name, admin1, country`, skipping parts that are missing or repeated."""
        parts: list[str] = []
        for part in (self.name, self.admin1, self.country):
            if part and part not in parts:
                parts.append(part)
        return ", ".join(parts)

    @property
    def key(self) -> str:
        """A stable cache key: coordinates rounded to 4 decimals (what MET and NWS demand)."""
        return f"{self.latitude:.4f},{self.longitude:.4f}"


@dataclass(frozen=True)
class Current:
    """Conditions now (as of `time`, local to the place)."""

    time: datetime
    temperature_c: float
    apparent_temperature_c: float | None = None
    humidity_pct: float | None = None
    wind_speed_ms: float | None = None
    weather_code: int | None = None
    description: str | None = None


# What falls, in words the tools pass on: `precipitation.kinds` derives them from amounts and
# weather codes, and a provider that names its own (MET's "sleet" symbols) gives them as they are.
PRECIPITATION_KINDS = ("rain", "drizzle", "showers", "snow", "sleet", "freezing_rain", "hail")


@dataclass(frozen=True)
class Day:
    """One local calendar day of forecast; probability None means the provider has none.

    `precipitation_mm` is everything that falls as water (snow melted); `rain_mm`,
    `showers_mm` and `snowfall_cm` (snow as it lies, not melted) split it where the provider
    does. Sunrise and sunset are local times; None where the provider has none, or the sun
    does not rise or set that day (`daylight_s` 0 or 86400 tells which).
    """

    date: date
    temperature_max_c: float | None = None
    temperature_min_c: float | None = None
    precipitation_probability_pct: float | None = None
    precipitation_mm: float | None = None
    weather_code: int | None = None
    description: str | None = None
    rain_mm: float | None = None
    showers_mm: float | None = None
    snowfall_cm: float | None = None
    precipitation_kinds: tuple[str, ...] = ()
    sunrise: datetime | None = None
    sunset: datetime | None = None
    daylight_s: float | None = None
    uv_index_max: float | None = None


@dataclass(frozen=True)
class Hour:
    """One forecast hour, starting at `time` (local, tz-aware); amounts fall during the hour."""

    time: datetime
    temperature_c: float | None = None
    apparent_temperature_c: float | None = None
    precipitation_probability_pct: float | None = None
    precipitation_mm: float | None = None
    rain_mm: float | None = None
    showers_mm: float | None = None
    snowfall_cm: float | None = None
    precipitation_kinds: tuple[str, ...] = ()
    wind_speed_ms: float | None = None
    uv_index: float | None = None
    weather_code: int | None = None
    description: str | None = None
    is_day: bool | None = None


@dataclass(frozen=True)
class Alert:
    """An active weather alert (NWS)."""

    event: str
    headline: str | None
    severity: str | None
    expires: datetime | None


@dataclass(frozen=True)
class Forecast:
    """What a provider knows about one place; `today` is the place's local date."""

    place: Place
    source: str
    timezone: str
    today: date
    fetched_at: datetime
    current: Current | None = None
    daily: tuple[Day, ...] = ()
    # Empty: the provider has no hourly forecast (not "no hours").
    hourly: tuple[Hour, ...] = ()
    alerts: tuple[Alert, ...] | None = None
    # Set when the data are a recorded sample rather than live (the recording's date).
    sample_date: str | None = None
    cache_age_s: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    # How many local days the provider forecasts at most (Open-Meteo 16); None: unknown.
    horizon_days: int | None = None

    def day(self, when: date) -> Day | None:
        """The forecast for a local date, if the provider covers it."""
        return next((d for d in self.daily if d.date == when), None)


@dataclass(frozen=True)
class AirQualityHour:
    """One hour of the air-quality forecast (local time); indices and µg/m³."""

    time: datetime
    us_aqi: float | None = None
    european_aqi: float | None = None
    pm2_5: float | None = None
    pm10: float | None = None


@dataclass(frozen=True)
class AirQuality:
    """Air quality at a place: the reading now and the hours ahead (Open-Meteo's CAMS data).

    `pollen` maps a plant ("birch", "grass"...) to grains/m³ now; None where no pollen
    forecast exists (CAMS covers Europe only), empty values dropped.
    """

    place: Place
    source: str
    timezone: str
    time: datetime
    fetched_at: datetime
    us_aqi: float | None = None
    european_aqi: float | None = None
    pm2_5: float | None = None
    pm10: float | None = None
    ozone: float | None = None
    nitrogen_dioxide: float | None = None
    pollen: dict[str, float] | None = None
    hours: tuple[AirQualityHour, ...] = ()
    cache_age_s: float | None = None
    # What the service got wrong (an impossible value left out), said rather than hidden.
    notes: tuple[str, ...] = ()
