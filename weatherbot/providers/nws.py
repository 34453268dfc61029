"""US National Weather Service (api.weather.gov): points, then the 12-hour forecast, and alerts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from weatherbot.errors import ProviderError
from weatherbot.providers.assembly import (
    Step,
    assemble,
    checked_forecast,
    local_zone,
    number,
    to_celsius,
)
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, cached, request_key
from weatherbot.providers.checks import clean_alert
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Alert, Forecast, Place

if TYPE_CHECKING:
    import httpx2

DEFAULT_URL = "https://api.weather.gov"
TITLE = "US National Weather Service"
# /points maps coordinates to a forecast grid cell; NWS itself lets it be cached ~1 day.
POINTS_TTL_S = 24 * 3600
# NWS sends Cache-Control max-age=30 for alerts: they change fast and matter.
ALERTS_TTL_S = 60
HEADERS = {"Accept": "application/geo+json"}
NOT_COVERED = "the US National Weather Service only covers the United States"
NOT_COVERED_HINT = "use --provider open-meteo"
# The 12-hour product has 14 periods: today (or tonight) and 6 more days.
HORIZON_DAYS = 7
# No hourly forecast: NWS serves it from a second URL (`forecastHourly`, ~156 periods, a body
# several times the 12-hour one's) that every question would then fetch, though only an
# hourly question needs it; a forecast is fetched whole for every tool. There is also no
# recording of it to test against. The hourly tool says the provider has none.

# What falls, from the words of a period's `shortForecast` ("Chance Rain Showers then Mostly
# Sunny", "Rain And Snow", "Slight Chance Light Snow"), longest phrase first. "Rain And Snow"
# over 12 hours names both, never "sleet": to an NWS reader sleet means ice pellets, which is
# what NWS's own "Sleet" is (and "Wintry Mix" a mix with them). Thunderstorms are rain, as
# WMO's thunderstorm codes are read (precipitation.code_kinds); "Blowing Snow" is snow lifted
# off the ground, nothing falling.
_WORDS = {
    "freezing rain": "freezing_rain",
    "freezing drizzle": "freezing_rain",
    "blowing snow": None,
    "snow showers": "snow",
    "rain showers": "showers",
    "showers": "showers",
    "wintry mix": "sleet",
    "ice pellets": "sleet",
    "sleet": "sleet",
    "drizzle": "drizzle",
    "sprinkles": "rain",
    "thunderstorms": "rain",
    "t-storms": "rain",
    "rain": "rain",
    "snow": "snow",
    "flurries": "snow",
    "blizzard": "snow",
    "hail": "hail",
}
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(w) for w in _WORDS) + r")\b")


def _not_covered(response: httpx2.Response) -> ProviderError | None:
    # A point outside the US is a 404 problem+json "InvalidPoint", not a missing page.
    if response.status_code == 404:
        return ProviderError("not_covered", NOT_COVERED, hint=NOT_COVERED_HINT)
    return None


def _celsius(value: Any, unit: Any) -> float | None:
    # The default `units=us` gives whole °F (anything but "C" is °F); one decimal of °C keeps
    # that precision without inventing more.
    if unit == "C":
        return number(value)
    celsius = to_celsius(value, "F")
    return None if celsius is None else round(celsius, 1)


def _time(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def forecast_kinds(text: object) -> tuple[str, ...]:
    """The kinds a `shortForecast` names, in its order: "Rain And Snow" -> rain, snow."""
    if not isinstance(text, str):
        return ()
    # "Rain/Snow" is two words; the alternation tries the longest phrases first.
    found = (_WORDS[m] for m in _PHRASE.findall(text.casefold().replace("/", " ")))
    return tuple(dict.fromkeys(k for k in found if k is not None))


def _step(period: Mapping[str, Any]) -> Step:
    start = _time(period["startTime"])
    temperature = _celsius(period.get("temperature"), period.get("temperatureUnit"))
    text = period.get("shortForecast")
    daytime = bool(period.get("isDaytime"))
    # A night period that starts after midnight ("Overnight", from 1 a.m. say) ends the
    # previous night: the date's low is that of the night starting in its evening ("Tonight").
    # The hour is read in the period's own offset, the forecast office's local time.
    evening = start.hour >= 12
    return Step(
        time=start,
        high_c=temperature if daytime else None,
        low_c=temperature if not daytime and evening else None,
        # A null value is "unknown": a day with only nulls has None, never 0.
        precipitation_probability_pct=number(
            (period.get("probabilityOfPrecipitation") or {}).get("value")
        ),
        description=text if isinstance(text, str) else None,
        # The day's own words; the night's only when the day has none.
        description_rank=0 if daytime else 1,
        # No amounts: `detailedForecast` gives snow as prose ranges ("1 to 3 inches"), not
        # a number to report. No UV, sunrise or sunset in this product either.
        precipitation_kinds=forecast_kinds(text),
    )


def parse_forecast(
    data: Mapping[str, Any], place: Place, zone: str, source: str = TITLE
) -> Forecast:
    """Daily values from the 12-hour periods, grouped by the local date each period starts.

    High = the daytime period's temperature, low = the night period starting that evening;
    the probability is the maximum over the day's periods. There are no current conditions
    in this product.
    """
    periods = (data.get("properties") or {}).get("periods")
    if not isinstance(periods, list) or not periods:
        raise ProviderError("bad_data", f"{source} sent a forecast without periods")
    # Period times carry their local offset: with an unknown zone name they are kept as sent.
    local = local_zone(zone, keep_offsets=True)
    steps = [_step(period) for period in periods if isinstance(period, Mapping)]
    return assemble(place, source, local, steps=steps, horizon_days=HORIZON_DAYS)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_alerts(data: Any) -> tuple[Alert, ...]:
    """Active alerts from a FeatureCollection (`features: []` means none), as plain text."""
    features = data.get("features") if isinstance(data, Mapping) else None
    if not isinstance(features, list):
        raise ValueError("alerts without features")
    alerts: list[Alert] = []
    for feature in features:
        props = feature.get("properties") if isinstance(feature, Mapping) else None
        if not isinstance(props, Mapping):
            continue
        expires = props.get("ends") or props.get("expires")
        alerts.append(
            clean_alert(
                Alert(
                    event=str(props.get("event") or "alert"),
                    headline=_string(props.get("headline")),
                    severity=_string(props.get("severity")),
                    expires=_time(expires) if isinstance(expires, str) else None,
                )
            )
        )
    return tuple(alerts)


class NwsProvider:
    """api.weather.gov: US only, keyless; `/points` (cached a day) gives the forecast URL."""

    name = "nws"
    title = TITLE

    def __init__(self, http: HttpClient, cache: DiskCache | None, base_url: str = DEFAULT_URL):
        self.http = http
        self.cache = cache
        self.base_url = base_url.rstrip("/")

    def _get(self, url: str, params: Mapping[str, Any], ttl_s: float) -> tuple[Any, float | None]:
        def fetch() -> Any:
            return self.http.get_json(url, params, HEADERS, on_error=_not_covered)

        return cached(self.cache, request_key(url, params), ttl_s, fetch)

    def _local(self, url: Any) -> str:
        # NWS hands out absolute URLs; keep them on the configured base (mirror, proxy, tests).
        text = str(url)
        if text.startswith(DEFAULT_URL) and self.base_url != DEFAULT_URL:
            return self.base_url + text[len(DEFAULT_URL) :]
        return text

    def forecast(self, place: Place) -> Forecast:
        """The daily forecast plus active alerts (alerts None if that request failed)."""
        point = f"{place.latitude:.4f},{place.longitude:.4f}"
        points, _ = self._get(f"{self.base_url}/points/{point}", {}, POINTS_TTL_S)
        props = points.get("properties") if isinstance(points, Mapping) else None
        if not isinstance(props, Mapping) or not props.get("forecast"):
            raise ProviderError("bad_data", f"{self.title} sent a malformed points answer")
        # Never `relativeLocation` as a name: for Manhattan it is Hoboken, NJ.
        zone = str(props.get("timeZone") or place.timezone or "UTC")
        data, age = self._get(self._local(props["forecast"]), {}, FORECAST_TTL_S)
        result = checked_forecast(
            self.title, data, age, lambda body: parse_forecast(body, place, zone, self.title)
        )
        try:
            alerts_data, _ = self._get(
                f"{self.base_url}/alerts/active", {"point": point}, ALERTS_TTL_S
            )
            result = replace(result, alerts=parse_alerts(alerts_data))
        except (ProviderError, TypeError, ValueError, KeyError):
            result = replace(result, notes=(*result.notes, "active alerts could not be fetched"))
        return result
