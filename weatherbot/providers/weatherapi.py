"""WeatherAPI.com `forecast.json` by coordinates; needs WEATHERBOT_WEATHERAPI_API_KEY."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers import keyed
from weatherbot.providers.assembly import LocalZone, assemble, local_zone, number, whole
from weatherbot.providers.checks import PERCENT, within
from weatherbot.providers.models import Alert, Current, Day, Forecast, Hour, Place
from weatherbot.providers.precipitation import hourly_kinds, kinds
from weatherbot.settings import Secret
from weatherbot.text_safety import CODE_MAX, MESSAGE_MAX, plain_text

DEFAULT_URL = "https://api.weatherapi.com"
FORECAST_PATH = "/v1/forecast.json"
TITLE = "WeatherAPI.com"
KEY_ENV = "WEATHERBOT_WEATHERAPI_API_KEY"
# The free plan's horizon; paid plans go to 14, but asking beyond the plan is refused.
DAYS = 3
KEY_CODES = frozenset({1002, 2006, 2008, 2009})

# What WeatherAPI's condition codes (its own, not WMO) say falls, from its conditions list.
# Its "sleet" is rain and snow mixed, as ours; ice pellets (1237, 1261, 1264) are counted as
# sleet too (no closer word). 1087 "Thundery outbreaks possible" and 1114 "Blowing snow" name
# nothing falling; 1000-1030, 1135, 1147 are sky, mist and fog.
_CONDITION_KINDS: dict[int, tuple[str, ...]] = {
    **dict.fromkeys((1063, 1180, 1183, 1186, 1189, 1192, 1195, 1273, 1276), ("rain",)),
    **dict.fromkeys((1066, 1117, 1210, 1213, 1216, 1219, 1222, 1225, 1255, 1258), ("snow",)),
    **dict.fromkeys((1279, 1282), ("snow",)),
    **dict.fromkeys((1069, 1204, 1207, 1237, 1249, 1252, 1261, 1264), ("sleet",)),
    **dict.fromkeys((1072, 1168, 1171, 1198, 1201), ("freezing_rain",)),
    **dict.fromkeys((1150, 1153), ("drizzle",)),
    **dict.fromkeys((1240, 1243, 1246), ("showers",)),
}


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


def _chance(block: Mapping[str, Any], prefix: str = "daily_") -> float | None:
    # Two integer percentages (rain, snow); the chance of precipitation is the larger.
    known: list[float] = []
    for key in (f"{prefix}chance_of_rain", f"{prefix}chance_of_snow"):
        raw = block.get(key)
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


def _said_kinds(block: Mapping[str, Any], prefix: str = "daily_") -> list[str]:
    """The condition's kinds (the main weather) first, then WeatherAPI's own yes/no flags."""
    condition = block.get("condition")
    code = whole(condition.get("code")) if isinstance(condition, Mapping) else None
    said = list(_CONDITION_KINDS.get(code, ())) if code is not None else []
    # `will_it_rain`/`will_it_snow` are 1 or 0: WeatherAPI's own verdict for the period.
    return said + [k for k in ("rain", "snow") if block.get(f"{prefix}will_it_{k}") == 1]


def _clock(when: date, text: Any, zone: LocalZone) -> datetime | None:
    """An astro time ("07:12 AM", local) on `when`; None for "No sunrise" or anything else."""
    if not isinstance(text, str):
        return None
    try:
        clock = datetime.strptime(text.strip(), "%I:%M %p").time()
    except ValueError:
        return None  # polar day or night: "No sunrise", "No sunset"
    return datetime.combine(when, time(clock.hour, clock.minute), zone.tz or UTC)


def _day(entry: Mapping[str, Any], day: Mapping[str, Any], zone: LocalZone) -> Day:
    when = date.fromisoformat(str(entry["date"]))
    astro = _mapping(entry.get("astro"))
    sunrise = _clock(when, astro.get("sunrise"), zone)
    sunset = _clock(when, astro.get("sunset"), zone)
    snow = number(day.get("totalsnow_cm"))
    return Day(
        date=when,
        temperature_max_c=number(day.get("maxtemp_c")),
        temperature_min_c=number(day.get("mintemp_c")),
        precipitation_probability_pct=_chance(day),
        # All that falls, as water; there is no rain-only amount to split it by.
        precipitation_mm=number(day.get("totalprecip_mm")),
        description=_text(day),
        # Snow as it lies, in cm: what `snowfall_cm` is.
        snowfall_cm=snow,
        precipitation_kinds=kinds(snowfall_cm=snow, given=_said_kinds(day)),
        sunrise=sunrise,
        sunset=sunset,
        # Instants, not wall clocks: across a DST change the two differ by an hour.
        daylight_s=sunset.timestamp() - sunrise.timestamp() if sunrise and sunset else None,
        # `day.uv` is the day's UV index (WeatherAPI gives one per day).
        uv_index_max=number(day.get("uv")),
    )


def _hour(block: Mapping[str, Any], zone: LocalZone) -> Hour | None:
    epoch = number(block.get("time_epoch"))
    try:
        moment = zone.from_epoch(epoch) if epoch is not None else None
    except ValueError:
        moment = None
    if moment is None:
        return None  # an hour we cannot place is left out, not the whole forecast
    snow = number(block.get("snow_cm"))
    wind_kph = number(block.get("wind_kph"))
    day_flag = whole(block.get("is_day"))
    return Hour(
        time=moment,
        temperature_c=number(block.get("temp_c")),
        apparent_temperature_c=number(block.get("feelslike_c")),
        precipitation_probability_pct=_chance(block, prefix=""),
        precipitation_mm=number(block.get("precip_mm")),
        snowfall_cm=snow,
        precipitation_kinds=hourly_kinds(snowfall_cm=snow, given=_said_kinds(block, prefix="")),
        wind_speed_ms=None if wind_kph is None else round(wind_kph / 3.6, 2),
        uv_index=number(block.get("uv")),
        # `condition.code` is WeatherAPI's own code, not a WMO one: no weather_code.
        description=_text(block),
        is_day=None if day_flag not in (0, 1) else day_flag == 1,
    )


def _days(forecast: Mapping[str, Any], zone: LocalZone) -> tuple[list[Day], list[Hour]]:
    days: list[Day] = []
    hours: list[Hour] = []
    for entry in forecast.get("forecastday") or []:
        day = entry.get("day") if isinstance(entry, Mapping) else None
        if not isinstance(day, Mapping):
            continue
        days.append(_day(entry, day, zone))
        # Every hour of each day, from local midnight (today's past hours included).
        found = entry.get("hour")
        for block in found if isinstance(found, list) else []:
            hour = _hour(block, zone) if isinstance(block, Mapping) else None
            if hour is not None:
                hours.append(hour)
    return days, hours


def parse_forecast(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from `forecast.json`: the `_c`/`_kph`/`_mm` twins, epochs for times.

    `localtime` is "2023-04-28 2:25" (hour not zero-padded), so times come from the epochs and
    the IANA `tz_id`; `forecastday[].date` is a padded ISO date and is used as it is.
    """
    location = _mapping(data.get("location"))
    zone = local_zone(str(location.get("tz_id") or place.timezone or "UTC"))
    epoch = location.get("localtime_epoch")
    days, hours = _days(_mapping(data.get("forecast")), zone)
    return assemble(
        place,
        source,
        zone,
        now=_now(data.get("current"), zone),
        days=days,
        hours=hours,
        # The place's "now" as WeatherAPI sees it; without it, the current reading's date.
        today=zone.from_epoch(epoch).date() if isinstance(epoch, int) else None,
        alerts=_alerts(data),
        # As many days as we ask for (DAYS); the plan may allow more, but they are not asked.
        horizon_days=DAYS,
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
