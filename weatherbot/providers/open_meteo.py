"""Open-Meteo forecast: one request per place gives current conditions and the daily forecast."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weatherbot.errors import ProviderError
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, request_key
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.providers.weather_codes import describe

FORECAST_PATH = "/v1/forecast"
# Ten variables in all: more would count as several calls against the free quota.
CURRENT_VARS = (
    "temperature_2m,apparent_temperature,relative_humidity_2m,weather_code,wind_speed_10m"
)
DAILY_VARS = (
    "temperature_2m_max,temperature_2m_min,precipitation_probability_max,precipitation_sum,"
    "weather_code"
)


# Response unit strings are not the request tokens: mph comes back as "mp/h", knots as "kn".
WIND_TO_MS = {"m/s": 1.0, "km/h": 1 / 3.6, "mp/h": 0.44704, "mph": 0.44704, "kn": 0.514444}


def _number(value: Any) -> float | None:
    # bool is an int subclass; a JSON true is not a measurement.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def to_celsius(value: Any, unit: str | None) -> float | None:
    """A temperature in the response's unit (°C or °F) as °C; None for null."""
    number = _number(value)
    if number is None:
        return None
    return (number - 32) * 5 / 9 if unit in ("°F", "F") else number


def to_ms(value: Any, unit: str | None) -> float | None:
    """A wind speed in the response's unit as m/s (km/h, the API default, if unit is missing)."""
    number = _number(value)
    if number is None:
        return None
    return number * WIND_TO_MS.get(unit or "km/h", 1 / 3.6)


def to_mm(value: Any, unit: str | None) -> float | None:
    """A precipitation amount in the response's unit (mm or inch) as mm."""
    number = _number(value)
    if number is None:
        return None
    return number * 25.4 if unit == "inch" else number


def _code(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _at(values: Any, index: int) -> Any:
    if isinstance(values, Sequence) and not isinstance(values, str) and index < len(values):
        return values[index]
    return None


def _zone(name: str, offset_s: Any) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # An unknown zone name: the response's fixed offset is right at least for today.
        seconds = _number(offset_s)
        return timezone(timedelta(seconds=seconds)) if seconds is not None else UTC


def _local_time(text: Any, tz: ZoneInfo | timezone) -> datetime:
    # With timezone=auto times are local wall-clock strings without an offset.
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _current(block: Any, units: Mapping[str, Any], tz: ZoneInfo | timezone) -> Current | None:
    if not isinstance(block, Mapping) or not isinstance(block.get("time"), str):
        return None
    temperature = to_celsius(block.get("temperature_2m"), units.get("temperature_2m"))
    if temperature is None:
        return None
    code = _code(block.get("weather_code"))
    return Current(
        time=_local_time(block["time"], tz),
        temperature_c=temperature,
        apparent_temperature_c=to_celsius(
            block.get("apparent_temperature"), units.get("apparent_temperature")
        ),
        humidity_pct=_number(block.get("relative_humidity_2m")),
        wind_speed_ms=to_ms(block.get("wind_speed_10m"), units.get("wind_speed_10m")),
        weather_code=code,
        description=describe(code),
    )


def _days(block: Any, units: Mapping[str, Any]) -> list[Day]:
    if not isinstance(block, Mapping):
        return []
    days: list[Day] = []
    for i, stamp in enumerate(block.get("time") or []):

        def column(name: str, i: int = i) -> Any:
            return _at(block.get(name), i)

        code = _code(column("weather_code"))
        days.append(
            Day(
                date=date.fromisoformat(str(stamp)[:10]),
                temperature_max_c=to_celsius(
                    column("temperature_2m_max"), units.get("temperature_2m_max")
                ),
                temperature_min_c=to_celsius(
                    column("temperature_2m_min"), units.get("temperature_2m_min")
                ),
                precipitation_probability_pct=_number(column("precipitation_probability_max")),
                precipitation_mm=to_mm(column("precipitation_sum"), units.get("precipitation_sum")),
                weather_code=code,
                description=describe(code),
            )
        )
    return days


def _units(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    units = data.get(name)
    return units if isinstance(units, Mapping) else {}


def parse_forecast(data: Mapping[str, Any], place: Place, source: str) -> Forecast:
    """Typed metric values from an Open-Meteo forecast response, whatever units it came in.

    The response's IANA `timezone` wins over the place's (a "lat,lon" place only has a
    placeholder), and `today` is the local date of the current reading.
    """
    tz_name = str(data.get("timezone") or place.timezone or "UTC")
    tz = _zone(tz_name, data.get("utc_offset_seconds"))
    current = _current(data.get("current"), _units(data, "current_units"), tz)
    days = _days(data.get("daily"), _units(data, "daily_units"))
    if current is None and not days:
        raise ProviderError("bad_data", f"{source} sent a forecast without data")
    today = current.time.date() if current else days[0].date
    return Forecast(
        place=replace(place, timezone=tz_name),
        source=source,
        timezone=tz_name,
        today=today,
        fetched_at=datetime.now(UTC),
        current=current,
        daily=tuple(days),
    )


class OpenMeteoProvider:
    """The default provider: no key, global, local time zones; one request per place."""

    name = "open-meteo"
    title = "Open-Meteo"

    def __init__(self, http: HttpClient, cache: DiskCache | None, base_url: str) -> None:
        self.http = http
        self.cache = cache
        self.url = base_url.rstrip("/") + FORECAST_PATH

    def params(self, place: Place) -> dict[str, str | int]:
        """The query for current conditions + 7 local days (metric, wind in m/s)."""
        return {
            "latitude": f"{place.latitude:.4f}",
            "longitude": f"{place.longitude:.4f}",
            "current": CURRENT_VARS,
            "daily": DAILY_VARS,
            "timezone": "auto",
            "forecast_days": 7,
            "wind_speed_unit": "ms",
        }

    def forecast(self, place: Place) -> Forecast:
        """Current conditions and the daily forecast; `cache_age_s` set on a cache hit."""
        params = self.params(place)
        age: float | None = None
        if self.cache is None:
            data = self.http.get_json(self.url, params)
        else:
            data, age = self.cache.fetch(
                request_key(self.url, params),
                FORECAST_TTL_S,
                lambda: self.http.get_json(self.url, params),
            )
        if not isinstance(data, Mapping):
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast")
        try:
            result = parse_forecast(data, place, self.title)
        except (TypeError, ValueError, KeyError) as exc:
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast") from exc
        return result if age is None else replace(result, cache_age_s=age)
