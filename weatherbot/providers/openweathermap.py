"""OpenWeatherMap One Call 3.0 (`units=metric`); needs WEATHERBOT_OPENWEATHERMAP_API_KEY."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers import keyed
from weatherbot.providers.assembly import LocalZone, assemble, local_zone, number, whole
from weatherbot.providers.checks import PRECIPITATION_MM, within
from weatherbot.providers.models import Current, Day, Forecast, Hour, Place
from weatherbot.providers.precipitation import TRACE_MM, hourly_kinds, kinds
from weatherbot.settings import Secret
from weatherbot.text_safety import MESSAGE_MAX, plain_text

DEFAULT_URL = "https://api.openweathermap.org"
ONECALL_PATH = "/data/3.0/onecall"
TITLE = "OpenWeatherMap"
KEY_ENV = "WEATHERBOT_OPENWEATHERMAP_API_KEY"
# One Call 3.0 has 8 daily forecasts: today and 7 more.
HORIZON_DAYS = 8


# What OWM's condition ids (`weather[0].id`, not WMO codes) say falls. 2xx thunderstorm (with
# rain 200-202, with drizzle 230-232), 3xx drizzle, 5xx rain (511 freezing, 520-531 "shower
# rain"), 6xx snow (611-613 sleet; 615/616 "rain and snow": both, which `hourly_kinds` makes
# sleet within one hour); 7xx mist and dust, 800 clear, 80x clouds: nothing falls.
_CONDITION_KINDS: dict[int, tuple[str, ...]] = {
    **dict.fromkeys((200, 201, 202), ("rain",)),
    **dict.fromkeys((230, 231, 232, 300, 301, 302, 310, 311, 312, 313, 314, 321), ("drizzle",)),
    **dict.fromkeys((500, 501, 502, 503, 504), ("rain",)),
    511: ("freezing_rain",),
    **dict.fromkeys((520, 521, 522, 531), ("showers",)),
    **dict.fromkeys((600, 601, 602, 620, 621, 622), ("snow",)),
    **dict.fromkeys((611, 612, 613), ("sleet",)),
    **dict.fromkeys((615, 616), ("rain", "snow")),
}


def require_key(key: Secret | None) -> Secret:
    """The configured key, or a ConfigError (exit 2) naming the variable to set."""
    hint = f"set {KEY_ENV} (One Call 3.0 subscription), or use --provider open-meteo"
    return keyed.require_key(key, "openweathermap", hint)


def _code(body: Mapping[str, Any]) -> int | None:
    # `cod` is an int on some endpoints and a string ("404") on others.
    try:
        return int(str(body.get("cod")))
    except ValueError:
        return None


def error_from_body(status: int, body: Any) -> ProviderError | None:
    """OWM's `{"cod", "message"}` error as a ProviderError; None when there is no such error."""
    if not isinstance(body, Mapping) or "cod" not in body:
        return None
    code = _code(body) or status
    if code < 400:
        return None
    message = plain_text(str(body.get("message") or ""), MESSAGE_MAX)
    detail = f": {message}" if message else ""
    if code == 401:
        return ProviderError(
            "unauthorized",
            f"{TITLE} refused the API key (HTTP 401){detail}",
            hint=f"check {KEY_ENV}; One Call 3.0 needs the 'One Call by Call' subscription, "
            "and new keys can take a few hours to work",
        )
    if code == 429:
        return ProviderError(
            "rate_limited", f"{TITLE} is limiting requests{detail}", hint="wait and try again"
        )
    if code >= 500:
        return ProviderError("upstream_error", f"{TITLE} failed (HTTP {code}){detail}")
    return ProviderError("bad_request", f"{TITLE} rejected the request (HTTP {code}){detail}")


def _description(block: Mapping[str, Any]) -> str | None:
    weather = block.get("weather")
    if isinstance(weather, list) and weather and isinstance(weather[0], Mapping):
        text = weather[0].get("description")
        return text if isinstance(text, str) else None
    return None


def _amount(block: Mapping[str, Any], name: str) -> float | None:
    """`rain` or `snow` in mm of water; 0 when absent (OWM sends them only when it falls).

    Daily ones are plain numbers, hourly ones {"1h": mm}. None for an impossible amount.
    """
    value = block.get(name)
    if isinstance(value, Mapping):
        value = value.get("1h")
    amount = 0.0 if value is None else number(value)
    return amount if amount is not None and within(amount, PRECIPITATION_MM) else None


def _fell(block: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    """(rain, snow, their total) in mm; the total is NaN if either is impossible.

    NaN makes the checks leave the total out with one note; the bad part itself is left out
    without another (one wrong value, one note). `snow` is melted water, never a depth: OWM
    has no snowfall in cm.
    """
    rain, snow = _amount(block, "rain"), _amount(block, "snow")
    total = math.nan if rain is None or snow is None else round(rain + snow, 2)
    return rain, snow, total


def _fell_kinds(block: Mapping[str, Any], rain: float | None, snow: float | None) -> list[str]:
    """The condition's kinds first (it is the main weather), then the amounts, largest first."""
    weather = block.get("weather")
    first = weather[0] if isinstance(weather, list) and weather else None
    condition = whole(first.get("id")) if isinstance(first, Mapping) else None
    named = list(_CONDITION_KINDS.get(condition, ())) if condition is not None else []
    amounts = sorted((a, k) for k, a in (("rain", rain), ("snow", snow)) if a is not None)
    return [*named, *(k for a, k in reversed(amounts) if a >= TRACE_MM)]


def _is_day(block: Mapping[str, Any]) -> bool | None:
    # The icon ends in "d" by day and "n" by night ("13n").
    weather = block.get("weather")
    first = weather[0] if isinstance(weather, list) and weather else None
    icon = first.get("icon") if isinstance(first, Mapping) else None
    if not isinstance(icon, str) or icon[-1:] not in ("d", "n"):
        return None
    return icon.endswith("d")


def _moment(value: Any, zone: LocalZone) -> datetime | None:
    # Polar day or night: OWM sends 0 or leaves sunrise/sunset out; garbage is no time either.
    seconds = number(value)
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    try:
        return zone.from_epoch(seconds)
    except ValueError:
        return None


def _now(block: Any, zone: LocalZone) -> Current | None:
    if not isinstance(block, Mapping) or number(block.get("temp")) is None:
        return None
    return Current(
        time=zone.from_epoch(block["dt"]),
        temperature_c=float(block["temp"]),
        apparent_temperature_c=number(block.get("feels_like")),
        humidity_pct=number(block.get("humidity")),
        wind_speed_ms=number(block.get("wind_speed")),
        description=_description(block),
    )


def _day(block: Mapping[str, Any], zone: LocalZone) -> Day:
    temps = block.get("temp")
    if not isinstance(temps, Mapping):
        temps = {}
    rain, snow, total = _fell(block)
    sunrise, sunset = _moment(block.get("sunrise"), zone), _moment(block.get("sunset"), zone)
    return Day(
        # `dt` is the local midday (Unix, UTC): its date in the zone is the day's.
        date=zone.from_epoch(block["dt"]).date(),
        temperature_max_c=number(temps.get("max")),
        temperature_min_c=number(temps.get("min")),
        precipitation_probability_pct=_percent(block.get("pop")),
        precipitation_mm=total,
        description=_description(block),
        rain_mm=rain,
        precipitation_kinds=kinds(given=_fell_kinds(block, rain, snow)),
        sunrise=sunrise,
        sunset=sunset,
        # Between the two instants: aware datetimes in one zone subtract as wall clocks, wrong
        # by an hour across a DST change.
        daylight_s=sunset.timestamp() - sunrise.timestamp() if sunrise and sunset else None,
        # The day's maximum UV index.
        uv_index_max=number(block.get("uvi")),
    )


def _percent(value: Any) -> float | None:
    # `pop` is a fraction 0-1, not a percentage.
    pop = number(value)
    return None if pop is None else round(pop * 100, 1)


def _hour(block: Mapping[str, Any], zone: LocalZone) -> Hour | None:
    time = _moment(block.get("dt"), zone)
    if time is None:
        return None  # an hour we cannot place is left out, not the whole forecast
    rain, snow, total = _fell(block)
    return Hour(
        time=time,
        temperature_c=number(block.get("temp")),
        apparent_temperature_c=number(block.get("feels_like")),
        precipitation_probability_pct=_percent(block.get("pop")),
        precipitation_mm=total,
        rain_mm=rain,
        precipitation_kinds=hourly_kinds(given=_fell_kinds(block, rain, snow)),
        wind_speed_ms=number(block.get("wind_speed")),
        uv_index=number(block.get("uvi")),
        # `weather[0].id` is OWM's own condition id, not a WMO code: no weather_code.
        description=_description(block),
        is_day=_is_day(block),
    )


def parse_onecall(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from a One Call 3.0 `units=metric` body.

    `pop` is a fraction 0-1 and becomes percent; a day without `pop` has None. Days are the
    local dates of each `dt` in the response's IANA zone; hours are the 48 `hourly` blocks.
    `snow` is mm of water (it counts in the precipitation, with the kind snow), not a depth.
    """
    zone = local_zone(str(data.get("timezone") or "UTC"), data.get("timezone_offset"))
    days = [_day(block, zone) for block in data.get("daily") or [] if isinstance(block, Mapping)]
    hours = [_hour(block, zone) for block in data.get("hourly") or [] if isinstance(block, Mapping)]
    return assemble(
        place,
        source,
        zone,
        now=_now(data.get("current"), zone),
        days=days,
        hours=[hour for hour in hours if hour is not None],
        horizon_days=HORIZON_DAYS,
    )


class OpenWeatherMapProvider(keyed.KeyedProvider):
    """One Call 3.0 by coordinates: current conditions, 48 hours and 8 daily forecasts."""

    name = "openweathermap"
    title = TITLE
    default_url = DEFAULT_URL
    path = ONECALL_PATH
    key_param = "appid"
    read_error = staticmethod(error_from_body)
    parse = staticmethod(parse_onecall)

    def params(self, place: Place) -> dict[str, str | int]:
        """Coordinates, metric units; no minutely or alerts blocks."""
        return {
            "lat": f"{place.latitude:.4f}",
            "lon": f"{place.longitude:.4f}",
            "units": "metric",
            "exclude": "minutely,alerts",
        }
