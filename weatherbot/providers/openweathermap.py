"""OpenWeatherMap One Call 3.0 (`units=metric`); needs WEATHERBOT_OPENWEATHERMAP_API_KEY."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weatherbot.errors import ConfigError, ProviderError
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, request_key
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.settings import Secret

if TYPE_CHECKING:
    import httpx2

DEFAULT_URL = "https://api.openweathermap.org"
ONECALL_PATH = "/data/3.0/onecall"
TITLE = "OpenWeatherMap"
KEY_ENV = "WEATHERBOT_OPENWEATHERMAP_API_KEY"


def require_key(key: Secret | None) -> Secret:
    """The configured key, or a ConfigError (exit 2) naming the variable to set."""
    if not key:
        raise ConfigError(
            "the openweathermap provider needs an API key",
            hint=f"set {KEY_ENV} (One Call 3.0 subscription), or use --provider open-meteo",
        )
    return key


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
    message = " ".join(str(body.get("message") or "").split())
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


def _on_error(response: httpx2.Response) -> ProviderError | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return error_from_body(response.status_code, body)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _description(block: Mapping[str, Any]) -> str | None:
    weather = block.get("weather")
    if isinstance(weather, list) and weather and isinstance(weather[0], Mapping):
        text = weather[0].get("description")
        return text if isinstance(text, str) else None
    return None


def _zone(data: Mapping[str, Any]) -> tuple[str, tzinfo]:
    name = str(data.get("timezone") or "UTC")
    try:
        return name, ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        offset = _number(data.get("timezone_offset")) or 0.0
        return name, timezone(timedelta(seconds=offset))


def _amount(block: Mapping[str, Any], name: str) -> float:
    # Daily `rain`/`snow` are plain mm numbers (hourly ones are {"1h": mm}); absent means none.
    value = block.get(name)
    if isinstance(value, Mapping):
        value = value.get("1h")
    return _number(value) or 0.0


def parse_onecall(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from a One Call 3.0 `units=metric` body.

    `pop` is a fraction 0-1 and becomes percent; a day without `pop` has None. Days are the
    local dates of each `dt` in the response's IANA zone.
    """
    zone_name, tz = _zone(data)
    now = data.get("current")
    current = None
    if isinstance(now, Mapping) and _number(now.get("temp")) is not None:
        current = Current(
            time=datetime.fromtimestamp(int(now["dt"]), tz),
            temperature_c=float(now["temp"]),
            apparent_temperature_c=_number(now.get("feels_like")),
            humidity_pct=_number(now.get("humidity")),
            wind_speed_ms=_number(now.get("wind_speed")),
            description=_description(now),
        )
    days: list[Day] = []
    for block in data.get("daily") or []:
        if not isinstance(block, Mapping):
            continue
        temps = block.get("temp")
        if not isinstance(temps, Mapping):
            temps = {}
        pop = _number(block.get("pop"))
        days.append(
            Day(
                date=datetime.fromtimestamp(int(block["dt"]), tz).date(),
                temperature_max_c=_number(temps.get("max")),
                temperature_min_c=_number(temps.get("min")),
                precipitation_probability_pct=None if pop is None else round(pop * 100, 1),
                precipitation_mm=round(_amount(block, "rain") + _amount(block, "snow"), 2),
                description=_description(block),
            )
        )
    if current is None and not days:
        raise ProviderError("bad_data", f"{source} sent a forecast without data")
    today = current.time.date() if current else days[0].date
    return Forecast(
        place=replace(place, timezone=zone_name),
        source=source,
        timezone=zone_name,
        today=today,
        fetched_at=datetime.now(UTC),
        current=current,
        daily=tuple(days),
    )


class OpenWeatherMapProvider:
    """One Call 3.0 by coordinates; the key stays out of messages and cache files."""

    name = "openweathermap"
    title = TITLE

    def __init__(
        self, http: HttpClient, cache: DiskCache | None, key: Secret, base_url: str = DEFAULT_URL
    ) -> None:
        self.http = http
        self.cache = cache
        self._key = key
        self.url = base_url.rstrip("/") + ONECALL_PATH

    def params(self, place: Place) -> dict[str, str]:
        """The query without the key (which is added only when sending)."""
        return {
            "lat": f"{place.latitude:.4f}",
            "lon": f"{place.longitude:.4f}",
            "units": "metric",
            "exclude": "minutely,alerts",
        }

    def _fetch(self, params: Mapping[str, str]) -> Any:
        data = self.http.get_json(
            self.url, {**params, "appid": self._key.reveal()}, on_error=_on_error
        )
        error = error_from_body(200, data)
        if error is not None:
            raise error
        return data

    def forecast(self, place: Place) -> Forecast:
        """Current conditions and 8 daily forecasts."""
        params = self.params(place)
        age: float | None = None
        if self.cache is None:
            data = self._fetch(params)
        else:
            data, age = self.cache.fetch(
                request_key(self.url, params), FORECAST_TTL_S, lambda: self._fetch(params)
            )
        if not isinstance(data, Mapping):
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast")
        try:
            result = parse_onecall(data, place, self.title)
        except (TypeError, ValueError, KeyError) as exc:
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast") from exc
        return result if age is None else replace(result, cache_age_s=age)
