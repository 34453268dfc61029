"""MET Norway Locationforecast 2.0: global, keyless, UTC-only, with mandatory caching rules.

MET's terms: an identifying User-Agent (HttpClient sends one), coordinates truncated to 4
decimals (5+ gets 403), no repeat request before `Expires`, and `If-Modified-Since` with the
stored `Last-Modified` afterwards (a 304 means the cached body is still current).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers.assembly import (
    LocalZone,
    Step,
    assemble,
    checked_forecast,
    local_zone,
    number,
)
from weatherbot.providers.cache import FORECAST_TTL_S, DiskCache, request_key
from weatherbot.providers.http import Fetched, HttpClient
from weatherbot.providers.models import Current, Forecast, Place

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


def _block(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else {}


def _details(block: Mapping[str, Any]) -> Mapping[str, Any]:
    return _block(block, "details")


def _symbol(block: Mapping[str, Any]) -> str | None:
    return describe_symbol(_block(block, "summary").get("symbol_code"))


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


def _entries(data: Mapping[str, Any], zone: LocalZone) -> list[tuple[datetime, Mapping[str, Any]]]:
    """(local time, data) of each timeseries entry that has data."""
    series = _block(data, "properties").get("timeseries")
    return [
        (
            zone.local(datetime.fromisoformat(str(entry["time"]).replace("Z", "+00:00"))),
            entry["data"],
        )
        for entry in (series if isinstance(series, list) else [])
        if isinstance(entry, Mapping) and isinstance(entry.get("data"), Mapping)
    ]


def _now(entries: list[tuple[datetime, Mapping[str, Any]]]) -> Current | None:
    if not entries:
        return None
    moment, first = entries[0]
    instant = _details(_block(first, "instant"))
    temperature = number(instant.get("air_temperature"))
    if temperature is None:
        return None
    return Current(
        time=moment,
        temperature_c=temperature,
        humidity_pct=number(instant.get("relative_humidity")),
        wind_speed_ms=number(instant.get("wind_speed")),
        description=_symbol(_interval(first, None)),
    )


def _steps(entries: list[tuple[datetime, Mapping[str, Any]]]) -> list[Step]:
    steps: list[Step] = []
    for i, (moment, data) in enumerate(entries):
        # Hourly entries first, then 6-hourly: amounts and probabilities come from the block
        # that reaches the next entry, so no hour is counted twice.
        gap_h = (
            (entries[i + 1][0] - moment).total_seconds() / 3600 if i + 1 < len(entries) else None
        )
        interval = _interval(data, gap_h)
        steps.append(
            Step(
                time=moment,
                temperature_c=number(_details(_block(data, "instant")).get("air_temperature")),
                precipitation_probability_pct=number(
                    _details(interval).get("probability_of_precipitation")
                ),
                precipitation_mm=number(_details(interval).get("precipitation_amount")),
                description=_symbol(interval),
                # A day is described by its symbol nearest local noon.
                description_rank=abs(moment.hour + moment.minute / 60 - 12),
            )
        )
    return steps


def parse_locationforecast(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from a Locationforecast `compact` or `complete` body.

    Timestamps are UTC; local days come from the place's IANA zone; the first entry is "now".
    A day's high/low are the extremes of its steps. `probability_of_precipitation` exists only
    in `complete` and only in MET's Nordic domain: where it is missing the day's probability
    is None, never 0.
    """
    zone = local_zone(place.timezone)
    entries = _entries(data, zone)
    return assemble(place, source, zone, now=_now(entries), steps=_steps(entries))


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
        return checked_forecast(
            self.title, data, age, lambda body: parse_locationforecast(body, place, self.title)
        )

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
