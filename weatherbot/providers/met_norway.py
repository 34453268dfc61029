"""MET Norway Locationforecast 2.0: global, keyless, UTC-only, with mandatory caching rules.

MET's terms: an identifying User-Agent (HttpClient sends one), coordinates truncated to 4
decimals (5+ gets 403), no repeat request before `Expires`, and `If-Modified-Since` with the
stored `Last-Modified` afterwards (a 304 means the cached body is still current).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_DOWN, Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weatherbot.errors import ProviderError
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, request_key
from weatherbot.providers.http import Fetched, HttpClient
from weatherbot.providers.models import Current, Day, Forecast, Place

DEFAULT_URL = "https://api.met.no"
PRODUCT_PATH = "/weatherapi/locationforecast/2.0/"
PRODUCTS = ("compact", "complete")
TITLE = "MET Norway"
# Never trust an Expires further out than this (a broken header must not freeze the cache).
MAX_EXPIRES_S = 6 * 3600

# The words MET's symbol codes are run together from ("lightrainshowersandthunder").
_SYMBOL_WORDS = (
    "clear", "sky", "fair", "partly", "cloudy", "fog", "light", "heavy", "rain", "sleet",
    "snow", "showers", "and", "thunder",
)  # fmt: skip
# Two misspellings MET keeps for compatibility ("lightssleetshowersandthunder").
_SYMBOL_TYPOS = {"lightssleet": "lightsleet", "lightssnow": "lightsnow"}


def truncate_coordinate(value: float) -> str:
    """A coordinate cut (not rounded) to 4 decimals, as MET's terms require."""
    return str(Decimal(repr(value)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN))


def describe_symbol(code: object) -> str | None:
    """MET's symbol code as words: "lightrainshowers_day" -> "light rain showers"."""
    if not isinstance(code, str) or not code:
        return None
    text = code.split("_")[0]
    for typo, fixed in _SYMBOL_TYPOS.items():
        text = text.replace(typo, fixed)
    words: list[str] = []
    while text:
        word = next((w for w in _SYMBOL_WORDS if text.startswith(w)), None)
        if word is None:
            return " ".join([*words, text])  # an unknown symbol: keep the rest as it is
        words.append(word)
        text = text[len(word) :]
    return " ".join(words)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _block(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else {}


def _details(block: Mapping[str, Any]) -> Mapping[str, Any]:
    return _block(block, "details")


def _symbol(block: Mapping[str, Any]) -> str | None:
    return describe_symbol(_block(block, "summary").get("symbol_code"))


@dataclass
class _DayAcc:
    temps: list[float]
    amounts: list[float]
    probabilities: list[float]
    # (distance of the step from local noon in hours, description)
    symbol: tuple[float, str] | None = None


def _interval(data: Mapping[str, Any], gap_h: float | None) -> Mapping[str, Any]:
    """The `next_*_hours` block that covers the time up to the next step (no double counting)."""
    order: tuple[str, ...] = ("next_1_hours", "next_6_hours", "next_12_hours")
    if gap_h is not None and gap_h > 1:
        order = ("next_6_hours", "next_12_hours") if gap_h <= 6 else ("next_12_hours",)
    for name in order:
        block = _block(data, name)
        if block:
            return block
    return {}


def parse_locationforecast(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from a Locationforecast `compact` or `complete` body.

    Timestamps are UTC; local days come from the place's IANA zone. A day's high/low are the
    extremes of its steps. `probability_of_precipitation` exists only in `complete` and only
    in MET's Nordic domain: where it is missing the day's probability is None, never 0.
    """
    tz = _zone(place.timezone)
    series = _block(data, "properties").get("timeseries")
    if not isinstance(series, list) or not series:
        raise ProviderError("bad_data", f"{source} sent a forecast without data")
    steps: list[tuple[datetime, Mapping[str, Any]]] = []
    for entry in series:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("data"), Mapping):
            continue
        moment = datetime.fromisoformat(str(entry["time"]).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        steps.append((moment.astimezone(tz), entry["data"]))
    if not steps:
        raise ProviderError("bad_data", f"{source} sent a forecast without data")

    first_time, first = steps[0]
    now = _details(_block(first, "instant"))
    temperature = _number(now.get("air_temperature"))
    current = None
    if temperature is not None:
        current = Current(
            time=first_time,
            temperature_c=temperature,
            humidity_pct=_number(now.get("relative_humidity")),
            wind_speed_ms=_number(now.get("wind_speed")),
            description=_symbol(_interval(first, None)),
        )

    days: dict[date, _DayAcc] = {}
    for i, (moment, step) in enumerate(steps):
        acc = days.setdefault(moment.date(), _DayAcc([], [], []))
        t = _number(_details(_block(step, "instant")).get("air_temperature"))
        if t is not None:
            acc.temps.append(t)
        gap_h = (steps[i + 1][0] - moment).total_seconds() / 3600 if i + 1 < len(steps) else None
        interval = _interval(step, gap_h)
        amount = _number(_details(interval).get("precipitation_amount"))
        if amount is not None:
            acc.amounts.append(amount)
        probability = _number(_details(interval).get("probability_of_precipitation"))
        if probability is not None:
            acc.probabilities.append(probability)
        description = _symbol(interval)
        distance = abs(moment.hour + moment.minute / 60 - 12)
        if description and (acc.symbol is None or distance < acc.symbol[0]):
            acc.symbol = (distance, description)

    daily = tuple(
        Day(
            date=when,
            temperature_max_c=max(acc.temps) if acc.temps else None,
            temperature_min_c=min(acc.temps) if acc.temps else None,
            precipitation_probability_pct=max(acc.probabilities) if acc.probabilities else None,
            precipitation_mm=round(sum(acc.amounts), 1) if acc.amounts else None,
            description=acc.symbol[1] if acc.symbol else None,
        )
        for when, acc in sorted(days.items())
    )
    zone_name = place.timezone if tz is not UTC else "UTC"
    return Forecast(
        place=place,
        source=source,
        timezone=zone_name,
        today=first_time.date(),
        fetched_at=datetime.now(UTC),
        current=current,
        daily=daily,
    )


def _http_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def expires_at(fetched: Fetched, now: float) -> float:
    """When the cached body goes stale, on our clock.

    `Expires - Date` is applied to our clock, so a skewed local clock neither hammers MET nor
    keeps old data; without usable headers the ordinary forecast TTL applies.
    """
    expires = _http_time(fetched.expires)
    if expires is None:
        return now + FORECAST_TTL_S
    served = _http_time(fetched.date)
    lifetime = expires - served if served is not None else expires - now
    return now + min(max(lifetime, 0.0), MAX_EXPIRES_S)


class MetNorwayProvider:
    """MET Norway Locationforecast (`compact` by default), honouring Expires/If-Modified-Since."""

    name = "met-norway"
    title = TITLE

    def __init__(
        self,
        http: HttpClient,
        cache: DiskCache | None,
        base_url: str = DEFAULT_URL,
        product: str = "compact",
        clock: Callable[[], float] | None = None,
    ) -> None:
        if product not in PRODUCTS:
            raise ValueError(f"unknown Locationforecast product {product!r}")
        self.http = http
        self.cache = cache
        self.url = base_url.rstrip("/") + PRODUCT_PATH + product
        self._clock = clock or (cache.now if cache is not None else time.time)

    def params(self, place: Place) -> dict[str, str]:
        """lat/lon truncated to 4 decimals."""
        return {
            "lat": truncate_coordinate(place.latitude),
            "lon": truncate_coordinate(place.longitude),
        }

    def forecast(self, place: Place) -> Forecast:
        """The forecast, from the cache until `Expires`, then revalidated with a conditional GET."""
        params = self.params(place)
        key = request_key(self.url, params)
        stored = self._stored(key)
        now = self._clock()
        age: float | None = None
        if stored is not None and stored[0]["expires_at"] > now:
            data, age = stored[0]["body"], stored[1]
        else:
            fetched = self.http.get_conditional(
                self.url,
                params,
                if_modified_since=stored[0]["last_modified"] if stored else None,
            )
            if fetched.not_modified:
                if stored is None:
                    raise ProviderError("bad_data", f"{self.title} answered 304 to a plain GET")
                data = stored[0]["body"]
            else:
                data = fetched.data
            if self.cache is not None:
                entry = {
                    "body": data,
                    "last_modified": fetched.last_modified,
                    "expires_at": expires_at(fetched, now),
                }
                self.cache.put(key, entry)
        if not isinstance(data, Mapping):
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast")
        try:
            result = parse_locationforecast(data, place, self.title)
        except (TypeError, ValueError, KeyError) as exc:
            raise ProviderError("bad_data", f"{self.title} sent a malformed forecast") from exc
        return result if age is None else replace(result, cache_age_s=age)

    def _stored(self, key: str) -> tuple[dict[str, Any], float] | None:
        # Any age: whether it is still usable is decided by its own Expires, not a TTL.
        hit = self.cache.get(key, math.inf) if self.cache is not None else None
        if hit is None:
            return None
        value, age = hit
        if not isinstance(value, dict) or not {"body", "expires_at"} <= value.keys():
            return None
        if not isinstance(value["expires_at"], int | float):
            return None
        value.setdefault("last_modified", None)
        return value, age
