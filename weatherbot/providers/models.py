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


@dataclass(frozen=True)
class Day:
    """One local calendar day of forecast; probability None means the provider has none."""

    date: date
    temperature_max_c: float | None = None
    temperature_min_c: float | None = None
    precipitation_probability_pct: float | None = None
    precipitation_mm: float | None = None
    weather_code: int | None = None
    description: str | None = None


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
    alerts: tuple[Alert, ...] | None = None
    # Set when the data are a recorded sample rather than live (the recording's date).
    sample_date: str | None = None
    cache_age_s: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def day(self, when: date) -> Day | None:
        """The forecast for a local date, if the provider covers it."""
        return next((d for d in self.daily if d.date == when), None)
