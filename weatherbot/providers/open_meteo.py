"""Open-Meteo forecast: one request per place gives current conditions and the daily forecast."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from weatherbot.providers.assembly import (
    LocalZone,
    assemble,
    checked_forecast,
    local_zone,
    number,
    to_celsius,
    to_cm,
    to_mm,
    to_ms,
    whole,
)
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, cached, request_key
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Current, Day, Forecast, Hour, Place
from weatherbot.providers.precipitation import hourly_kinds, kinds
from weatherbot.providers.weather_codes import describe

FORECAST_PATH = "/v1/forecast"
# One request per place answers every tool (current, each hour, each day, 16 days): Open-Meteo
# counts a request of more than 10 variables or 2 weeks as a few calls of its free quota
# (about 3 here), which the 10-minute cache repays; a request per tool would cost more.
CURRENT_VARS = (
    "temperature_2m,apparent_temperature,relative_humidity_2m,weather_code,wind_speed_10m"
)
HOURLY_VARS = (
    "temperature_2m,apparent_temperature,precipitation_probability,precipitation,rain,showers,"
    "snowfall,weather_code,wind_speed_10m,uv_index,is_day"
)
DAILY_VARS = (
    "temperature_2m_max,temperature_2m_min,precipitation_probability_max,precipitation_sum,"
    "rain_sum,showers_sum,snowfall_sum,weather_code,sunrise,sunset,daylight_duration,"
    "uv_index_max"
)


def _at(values: Any, index: int) -> Any:
    if isinstance(values, Sequence) and not isinstance(values, str) and index < len(values):
        return values[index]
    return None


def _now(block: Any, units: Mapping[str, Any], zone: LocalZone) -> Current | None:
    if not isinstance(block, Mapping) or not isinstance(block.get("time"), str):
        return None
    temperature = to_celsius(block.get("temperature_2m"), units.get("temperature_2m"))
    if temperature is None:
        return None
    return Current(
        time=zone.wall_clock(block["time"]),
        temperature_c=temperature,
        apparent_temperature_c=to_celsius(
            block.get("apparent_temperature"), units.get("apparent_temperature")
        ),
        humidity_pct=number(block.get("relative_humidity_2m")),
        wind_speed_ms=to_ms(block.get("wind_speed_10m"), units.get("wind_speed_10m")),
        weather_code=whole(block.get("weather_code")),
    )


def _columns(block: Any) -> list[tuple[str, Callable[[str], Any]]]:
    """Each time stamp of a block of parallel arrays, with a reader of its row's values."""
    if not isinstance(block, Mapping) or not isinstance(block.get("time"), list):
        return []
    rows: list[tuple[str, Callable[[str], Any]]] = []
    for i, stamp in enumerate(block["time"]):

        def column(name: str, i: int = i) -> Any:
            return _at(block.get(name), i)

        rows.append((str(stamp), column))
    return rows


def _clock(value: Any, zone: LocalZone) -> datetime | None:
    # A day without sunrise (polar night) has null or a missing entry, never a fake time.
    if not isinstance(value, str) or not value:
        return None
    try:
        return zone.wall_clock(value)
    except ValueError:
        return None


def _days(block: Any, units: Mapping[str, Any], zone: LocalZone) -> list[Day]:
    # Parallel arrays, one entry per local date (`timezone=auto`); any entry may be null.
    days: list[Day] = []
    for stamp, column in _columns(block):
        rain = to_mm(column("rain_sum"), units.get("rain_sum"))
        showers = to_mm(column("showers_sum"), units.get("showers_sum"))
        snow = to_cm(column("snowfall_sum"), units.get("snowfall_sum"))
        code = whole(column("weather_code"))
        days.append(
            Day(
                date=date.fromisoformat(stamp[:10]),
                temperature_max_c=to_celsius(
                    column("temperature_2m_max"), units.get("temperature_2m_max")
                ),
                temperature_min_c=to_celsius(
                    column("temperature_2m_min"), units.get("temperature_2m_min")
                ),
                precipitation_probability_pct=number(column("precipitation_probability_max")),
                precipitation_mm=to_mm(column("precipitation_sum"), units.get("precipitation_sum")),
                weather_code=code,
                rain_mm=rain,
                showers_mm=showers,
                snowfall_cm=snow,
                precipitation_kinds=kinds(
                    rain_mm=rain, showers_mm=showers, snowfall_cm=snow, code=code
                ),
                sunrise=_clock(column("sunrise"), zone),
                sunset=_clock(column("sunset"), zone),
                daylight_s=number(column("daylight_duration")),
                uv_index_max=number(column("uv_index_max")),
            )
        )
    return days


def _hours(block: Any, units: Mapping[str, Any], zone: LocalZone) -> list[Hour]:
    hours: list[Hour] = []
    for stamp, column in _columns(block):
        rain = to_mm(column("rain"), units.get("rain"))
        showers = to_mm(column("showers"), units.get("showers"))
        snow = to_cm(column("snowfall"), units.get("snowfall"))
        code = whole(column("weather_code"))
        day_flag = whole(column("is_day"))
        hours.append(
            Hour(
                time=zone.wall_clock(stamp),
                temperature_c=to_celsius(column("temperature_2m"), units.get("temperature_2m")),
                apparent_temperature_c=to_celsius(
                    column("apparent_temperature"), units.get("apparent_temperature")
                ),
                precipitation_probability_pct=number(column("precipitation_probability")),
                precipitation_mm=to_mm(column("precipitation"), units.get("precipitation")),
                rain_mm=rain,
                showers_mm=showers,
                snowfall_cm=snow,
                precipitation_kinds=hourly_kinds(
                    rain_mm=rain, showers_mm=showers, snowfall_cm=snow, code=code
                ),
                wind_speed_ms=to_ms(column("wind_speed_10m"), units.get("wind_speed_10m")),
                uv_index=number(column("uv_index")),
                weather_code=code,
                # Described here, not by assemble: one dataclass copy fewer for 384 hours.
                description=describe(code),
                is_day=None if day_flag is None else day_flag == 1,
            )
        )
    return hours


def _units(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    units = data.get(name)
    return units if isinstance(units, Mapping) else {}


def parse_forecast(data: Mapping[str, Any], place: Place, source: str) -> Forecast:
    """Typed metric values from an Open-Meteo forecast response, whatever units it came in.

    The response's IANA `timezone` wins over the place's (a "lat,lon" place only has a
    placeholder), and `today` is the local date of the current reading.
    """
    zone = local_zone(
        str(data.get("timezone") or place.timezone or "UTC"), data.get("utc_offset_seconds")
    )
    return assemble(
        place,
        source,
        zone,
        now=_now(data.get("current"), _units(data, "current_units"), zone),
        days=_days(data.get("daily"), _units(data, "daily_units"), zone),
        hours=_hours(data.get("hourly"), _units(data, "hourly_units"), zone),
        horizon_days=HORIZON_DAYS,
    )


# Open-Meteo's forecast reaches 16 days: ask for all of them, so "in 10 days" and "the next
# 12 days" are answered rather than cut at a week (one request either way).
HORIZON_DAYS = 16


class OpenMeteoProvider:
    """The default provider: no key, global, local time zones; one request per place."""

    name = "open-meteo"
    title = "Open-Meteo"

    def __init__(self, http: HttpClient, cache: DiskCache | None, base_url: str) -> None:
        self.http = http
        self.cache = cache
        self.url = base_url.rstrip("/") + FORECAST_PATH

    def params(self, place: Place) -> dict[str, str | int]:
        """The query for current conditions + every local day Open-Meteo forecasts (metric,
        wind in m/s)."""
        return {
            "latitude": f"{place.latitude:.4f}",
            "longitude": f"{place.longitude:.4f}",
            "current": CURRENT_VARS,
            "hourly": HOURLY_VARS,
            "daily": DAILY_VARS,
            "timezone": "auto",
            "forecast_days": HORIZON_DAYS,
            "wind_speed_unit": "ms",
        }

    def forecast(self, place: Place) -> Forecast:
        """Current conditions and the daily forecast; `cache_age_s` set on a cache hit."""
        params = self.params(place)
        data, age = cached(
            self.cache,
            request_key(self.url, params),
            FORECAST_TTL_S,
            lambda: self.http.get_json(self.url, params),
        )
        return checked_forecast(
            self.title, data, age, lambda body: parse_forecast(body, place, self.title)
        )
