"""Open-Meteo forecast: one request per place gives current conditions and the daily forecast."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weatherbot.errors import ProviderError
from weatherbot.providers.cache import FORECAST_TTL_S
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.providers.weather_codes import describe

CURRENT_VARS = (
    "temperature_2m,apparent_temperature,relative_humidity_2m,weather_code,wind_speed_10m"
)
DAILY_VARS = (
    "temperature_2m_max,temperature_2m_min,precipitation_probability_max,precipitation_sum,"
    "weather_code"
)


def to_celsius(value: Any, unit: str | None) -> float | None:
    """A temperature in the response's unit (°C or °F) as °C."""
    if not isinstance(value, int | float):
        return None
    return (value - 32) * 5 / 9 if unit == "°F" else float(value)


def to_ms(value: Any, unit: str | None) -> float | None:
    """A wind speed in the response's unit as m/s (the unit strings are not the request tokens)."""
    if not isinstance(value, int | float):
        return None
    factor = {"km/h": 1 / 3.6, "mp/h": 0.44704, "mph": 0.44704, "kn": 0.514444, "m/s": 1.0}
    return float(value) * factor.get(unit or "km/h", 1 / 3.6)


def to_mm(value: Any, unit: str | None) -> float | None:
    """A precipitation amount in the response's unit as mm."""
    if not isinstance(value, int | float):
        return None
    return float(value) * 25.4 if unit == "inch" else float(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _at(values: Any, index: int) -> Any:
    if isinstance(values, Sequence) and not isinstance(values, str) and index < len(values):
        return values[index]
    return None


def _zone(name: str) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def parse_forecast(data: Mapping[str, Any], place: Place, source: str) -> Forecast:
    """Typed metric values from an Open-Meteo forecast response (any units it came in)."""
    tz_name = str(data.get("timezone") or place.timezone or "UTC")
    tz = _zone(tz_name)
    current = None
    block = data.get("current")
    units = data.get("current_units") or {}
    if isinstance(block, Mapping) and isinstance(block.get("time"), str):
        temperature = to_celsius(block.get("temperature_2m"), units.get("temperature_2m"))
        if temperature is not None:
            code = block.get("weather_code")
            current = Current(
                time=datetime.fromisoformat(block["time"]).replace(tzinfo=tz),
                temperature_c=temperature,
                apparent_temperature_c=to_celsius(
                    block.get("apparent_temperature"), units.get("apparent_temperature")
                ),
                humidity_pct=_number(block.get("relative_humidity_2m")),
                wind_speed_ms=to_ms(block.get("wind_speed_10m"), units.get("wind_speed_10m")),
                weather_code=int(code) if isinstance(code, int | float) else None,
                description=describe(int(code)) if isinstance(code, int | float) else None,
            )
    days: list[Day] = []
    daily = data.get("daily")
    dunits = data.get("daily_units") or {}
    if isinstance(daily, Mapping):
        for i, stamp in enumerate(daily.get("time") or []):
            code = _at(daily.get("weather_code"), i)
            days.append(
                Day(
                    date=date.fromisoformat(str(stamp)),
                    temperature_max_c=to_celsius(
                        _at(daily.get("temperature_2m_max"), i), dunits.get("temperature_2m_max")
                    ),
                    temperature_min_c=to_celsius(
                        _at(daily.get("temperature_2m_min"), i), dunits.get("temperature_2m_min")
                    ),
                    precipitation_probability_pct=_number(
                        _at(daily.get("precipitation_probability_max"), i)
                    ),
                    precipitation_mm=to_mm(
                        _at(daily.get("precipitation_sum"), i), dunits.get("precipitation_sum")
                    ),
                    weather_code=int(code) if isinstance(code, int | float) else None,
                    description=describe(int(code)) if isinstance(code, int | float) else None,
                )
            )
    if current is None and not days:
        raise ProviderError("bad_data", f"{source} sent a forecast without data")
    # "Today" is the place's local date: the date of the current reading, else the first day.
    today = current.time.date() if current else days[0].date
    return Forecast(
        place=place,
        source=source,
        timezone=tz_name,
        today=today,
        fetched_at=datetime.now(UTC),
        current=current,
        daily=tuple(days),
    )


class OpenMeteoProvider:
    """The default provider: no key, global, local time zones."""

    name = "open-meteo"
    title = "Open-Meteo"

    def __init__(self, http: HttpClient, base_url: str) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + "/v1/forecast"

    def forecast(self, place: Place) -> Forecast:
        """Current conditions + 7 local days in one request."""
        params = {
            "latitude": f"{place.latitude:.4f}",
            "longitude": f"{place.longitude:.4f}",
            "current": CURRENT_VARS,
            "daily": DAILY_VARS,
            "timezone": "auto",
            "forecast_days": 7,
            "wind_speed_unit": "ms",
        }
        data, age = self.http.get_json(self.url, params, FORECAST_TTL_S)
        if not isinstance(data, Mapping):
            raise ProviderError("bad_data", "Open-Meteo sent a malformed forecast")
        try:
            result = parse_forecast(data, place, self.title)
        except (TypeError, ValueError) as exc:
            raise ProviderError("bad_data", f"Open-Meteo sent a malformed forecast: {exc}") from exc
        if age is None:
            return result
        from dataclasses import replace

        return replace(result, cache_age_s=age)
