"""OpenWeatherMap One Call 3.0 (`units=metric`); needs WEATHERBOT_OPENWEATHERMAP_API_KEY."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers import keyed
from weatherbot.providers.assembly import LocalZone, assemble, local_zone, number
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.settings import Secret
from weatherbot.text_safety import MESSAGE_MAX, plain_text

DEFAULT_URL = "https://api.openweathermap.org"
ONECALL_PATH = "/data/3.0/onecall"
TITLE = "OpenWeatherMap"
KEY_ENV = "WEATHERBOT_OPENWEATHERMAP_API_KEY"


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


def _amount(block: Mapping[str, Any], name: str) -> float:
    # Daily `rain`/`snow` are plain mm numbers (hourly ones are {"1h": mm}); absent means none.
    value = block.get(name)
    if isinstance(value, Mapping):
        value = value.get("1h")
    return number(value) or 0.0


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
    # `pop` is a fraction 0-1, not a percentage.
    pop = number(block.get("pop"))
    return Day(
        # `dt` is the local midday (Unix, UTC): its date in the zone is the day's.
        date=zone.from_epoch(block["dt"]).date(),
        temperature_max_c=number(temps.get("max")),
        temperature_min_c=number(temps.get("min")),
        precipitation_probability_pct=None if pop is None else round(pop * 100, 1),
        precipitation_mm=round(_amount(block, "rain") + _amount(block, "snow"), 2),
        description=_description(block),
    )


def parse_onecall(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from a One Call 3.0 `units=metric` body.

    `pop` is a fraction 0-1 and becomes percent; a day without `pop` has None. Days are the
    local dates of each `dt` in the response's IANA zone.
    """
    zone = local_zone(str(data.get("timezone") or "UTC"), data.get("timezone_offset"))
    days = [_day(block, zone) for block in data.get("daily") or [] if isinstance(block, Mapping)]
    return assemble(place, source, zone, now=_now(data.get("current"), zone), days=days)


class OpenWeatherMapProvider(keyed.KeyedProvider):
    """One Call 3.0 by coordinates: current conditions and 8 daily forecasts."""

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
