"""WeatherAPI.com `forecast.json` by coordinates; needs WEATHERBOT_WEATHERAPI_API_KEY."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers import keyed
from weatherbot.providers.assembly import LocalZone, assemble, local_zone, number
from weatherbot.providers.checks import PERCENT, within
from weatherbot.providers.models import Alert, Current, Day, Forecast, Place
from weatherbot.settings import Secret
from weatherbot.text_safety import CODE_MAX, MESSAGE_MAX, plain_text

DEFAULT_URL = "https://api.weatherapi.com"
FORECAST_PATH = "/v1/forecast.json"
TITLE = "WeatherAPI.com"
KEY_ENV = "WEATHERBOT_WEATHERAPI_API_KEY"
# The free plan's horizon; paid plans go to 14, but asking beyond the plan is refused.
DAYS = 3
KEY_CODES = frozenset({1002, 2006, 2008, 2009})


def require_key(key: Secret | None) -> Secret:
    """The configured key, or a ConfigError (exit 2) naming the variable to set."""
    return keyed.require_key(key, "weatherapi", f"set {KEY_ENV}, or use --provider open-meteo")


def error_from_body(status: int, body: Any) -> ProviderError | None:
    """WeatherAPI's `{"error": {"code", "message"}}` as a ProviderError (None if absent)."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        return None
    code = error.get("code")
    message = plain_text(str(error.get("message") or ""), MESSAGE_MAX)
    shown = plain_text(str(code), CODE_MAX)
    text = f"{TITLE} error {shown}: {message}" if message else f"{TITLE} error {shown}"
    if code in KEY_CODES:
        return ProviderError("unauthorized", text, hint=f"check {KEY_ENV}")
    if code == 2007:
        return ProviderError("rate_limited", text, hint="the monthly quota is used up")
    if code == 1006:
        return ProviderError("not_found", text)
    if status >= 500:
        return ProviderError("upstream_error", text, hint="try again later")
    return ProviderError("bad_request", text)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(block: Mapping[str, Any]) -> str | None:
    condition = block.get("condition")
    text = condition.get("text") if isinstance(condition, Mapping) else None
    return text.strip() if isinstance(text, str) else None


def _chance(day: Mapping[str, Any]) -> float | None:
    # Two integer percentages (rain, snow); the chance of precipitation is the larger.
    known: list[float] = []
    for key in ("daily_chance_of_rain", "daily_chance_of_snow"):
        raw = day.get(key)
        value = number(raw)
        if raw is not None and (value is None or not within(value, PERCENT)):
            # One impossible chance spoils the pair: the larger of a broken rain chance and
            # a snow chance of 0 would say "0%". NaN makes the check leave it out, with a note.
            return math.nan
        if value is not None:
            known.append(value)
    return max(known) if known else None


def _alerts(data: Mapping[str, Any]) -> tuple[Alert, ...] | None:
    block = data.get("alerts")
    if not isinstance(block, Mapping) or not isinstance(block.get("alert"), list):
        return None  # not asked for (alerts=yes) or not answered: unknown, not "none"
    alerts: list[Alert] = []
    for item in block["alert"]:
        if not isinstance(item, Mapping):
            continue
        expires = item.get("expires")
        try:
            when = datetime.fromisoformat(expires) if isinstance(expires, str) else None
        except ValueError:
            when = None
        alerts.append(
            Alert(
                event=str(item.get("event") or item.get("headline") or "alert"),
                headline=item.get("headline") if isinstance(item.get("headline"), str) else None,
                severity=item.get("severity") if isinstance(item.get("severity"), str) else None,
                expires=when,
            )
        )
    return tuple(alerts)


def _now(block: Any, zone: LocalZone) -> Current | None:
    if not isinstance(block, Mapping) or number(block.get("temp_c")) is None:
        return None
    # Every value comes twice (`temp_c`/`temp_f`, `wind_kph`/`wind_mph`): take the metric one.
    wind_kph = number(block.get("wind_kph"))
    return Current(
        time=zone.from_epoch(block["last_updated_epoch"]),
        temperature_c=float(block["temp_c"]),
        apparent_temperature_c=number(block.get("feelslike_c")),
        humidity_pct=number(block.get("humidity")),
        wind_speed_ms=None if wind_kph is None else round(wind_kph / 3.6, 2),
        description=_text(block),
    )


def _days(forecast: Mapping[str, Any]) -> list[Day]:
    days: list[Day] = []
    for entry in forecast.get("forecastday") or []:
        day = entry.get("day") if isinstance(entry, Mapping) else None
        if not isinstance(day, Mapping):
            continue
        days.append(
            Day(
                date=date.fromisoformat(str(entry["date"])),
                temperature_max_c=number(day.get("maxtemp_c")),
                temperature_min_c=number(day.get("mintemp_c")),
                precipitation_probability_pct=_chance(day),
                precipitation_mm=number(day.get("totalprecip_mm")),
                description=_text(day),
            )
        )
    return days


def parse_forecast(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from `forecast.json`: the `_c`/`_kph`/`_mm` twins, epochs for times.

    `localtime` is "2023-04-28 2:25" (hour not zero-padded), so times come from the epochs and
    the IANA `tz_id`; `forecastday[].date` is a padded ISO date and is used as it is.
    """
    location = _mapping(data.get("location"))
    zone = local_zone(str(location.get("tz_id") or place.timezone or "UTC"))
    epoch = location.get("localtime_epoch")
    return assemble(
        place,
        source,
        zone,
        now=_now(data.get("current"), zone),
        days=_days(_mapping(data.get("forecast"))),
        # The place's "now" as WeatherAPI sees it; without it, the current reading's date.
        today=zone.from_epoch(epoch).date() if isinstance(epoch, int) else None,
        alerts=_alerts(data),
    )


class WeatherApiProvider(keyed.KeyedProvider):
    """WeatherAPI.com by our own coordinates (its own fuzzy place matching is skipped)."""

    name = "weatherapi"
    title = TITLE
    default_url = DEFAULT_URL
    path = FORECAST_PATH
    key_param = "key"
    read_error = staticmethod(error_from_body)
    parse = staticmethod(parse_forecast)

    def params(self, place: Place) -> dict[str, str | int]:
        """Coordinates, DAYS local days, with alerts."""
        return {
            "q": f"{place.latitude:.4f},{place.longitude:.4f}",
            "days": DAYS,
            "alerts": "yes",
            "aqi": "no",
        }
