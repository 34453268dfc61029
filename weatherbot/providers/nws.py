"""US National Weather Service (api.weather.gov): points, then the 12-hour forecast, and alerts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weatherbot.errors import ProviderError
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, request_key
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Alert, Day, Forecast, Place

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


def _not_covered(response: httpx2.Response) -> ProviderError | None:
    # A point outside the US is a 404 problem+json "InvalidPoint", not a missing page.
    if response.status_code == 404:
        return ProviderError("not_covered", NOT_COVERED, hint=NOT_COVERED_HINT)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _celsius(value: Any, unit: Any) -> float | None:
    number = _number(value)
    if number is None:
        return None
    # The default `units=us` gives whole °F; converting keeps one decimal of honesty.
    return round((number - 32) * 5 / 9, 1) if unit != "C" else number


def _time(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_forecast(
    data: Mapping[str, Any], place: Place, zone: str, source: str = TITLE
) -> Forecast:
    """Daily values from the 12-hour periods, grouped by the local date each period starts.

    High = the daytime period's temperature, low = the night period starting that evening;
    the probability is the maximum over the day's periods (a null value is "unknown", and a
    day with only nulls has None, never 0). There are no current conditions in this product.
    """
    periods = (data.get("properties") or {}).get("periods")
    if not isinstance(periods, list) or not periods:
        raise ProviderError("bad_data", f"{source} sent a forecast without periods")
    try:
        tz: Any = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    days: dict[date, dict[str, Any]] = {}
    for period in periods:
        if not isinstance(period, Mapping):
            continue
        start = _time(period["startTime"])
        local = start.astimezone(tz) if tz is not None else start
        day = days.setdefault(local.date(), {"pops": [], "high": None, "low": None, "text": None})
        temperature = _celsius(period.get("temperature"), period.get("temperatureUnit"))
        pop = _number((period.get("probabilityOfPrecipitation") or {}).get("value"))
        if pop is not None:
            day["pops"].append(pop)
        text = period.get("shortForecast")
        if period.get("isDaytime"):
            day["high"] = temperature
            day["text"] = text if isinstance(text, str) else day["text"]
        else:
            day["low"] = temperature
            if day["text"] is None and isinstance(text, str):
                day["text"] = text
    daily = tuple(
        Day(
            date=when,
            temperature_max_c=values["high"],
            temperature_min_c=values["low"],
            precipitation_probability_pct=max(values["pops"]) if values["pops"] else None,
            description=values["text"],
        )
        for when, values in sorted(days.items())
    )
    return Forecast(
        place=place,
        source=source,
        timezone=zone,
        today=daily[0].date,
        fetched_at=datetime.now(UTC),
        daily=daily,
        alerts=None,
    )


def parse_alerts(data: Any) -> tuple[Alert, ...]:
    """Active alerts from a FeatureCollection (`features: []` means none)."""
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
            Alert(
                event=str(props.get("event") or "alert"),
                headline=props.get("headline") if isinstance(props.get("headline"), str) else None,
                severity=props.get("severity") if isinstance(props.get("severity"), str) else None,
                expires=_time(expires) if isinstance(expires, str) else None,
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

        if self.cache is None:
            return fetch(), None
        return self.cache.fetch(request_key(url, params), ttl_s, fetch)

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
        if not isinstance(data, Mapping):
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast")
        try:
            result = parse_forecast(data, replace(place, timezone=zone), zone, self.title)
        except (TypeError, ValueError, KeyError) as exc:
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast") from exc
        try:
            alerts_data, _ = self._get(
                f"{self.base_url}/alerts/active", {"point": point}, ALERTS_TTL_S
            )
            result = replace(result, alerts=parse_alerts(alerts_data))
        except (ProviderError, TypeError, ValueError, KeyError):
            result = replace(result, notes=(*result.notes, "active alerts could not be fetched"))
        return result if age is None else replace(result, cache_age_s=age)
