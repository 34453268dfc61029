"""MET Norway Locationforecast 2.0: global, keyless, UTC-only, with mandatory caching rules.

MET's terms: an identifying User-Agent (HttpClient sends one), coordinates truncated to 4
decimals (5+ gets 403), no repeat request before `Expires`, and `If-Modified-Since` with the
stored `Last-Modified` afterwards (a 304 means the cached body is still current).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
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
from weatherbot.providers.checks import HOUR_FIELDS, checked
from weatherbot.providers.http import Fetched, HttpClient
from weatherbot.providers.models import Current, Forecast, Hour, Place

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
# The words of a symbol that say what falls. MET's "sleet" is Norwegian "sludd" (rain and snow
# mixed), which is what our "sleet" means; there is no hail, drizzle or freezing-rain symbol.
_FALLING = ("rain", "sleet", "snow")
# The variant suffix says whether the sun is up. "polartwilight" is the polar day-time when the
# sun stays below the horizon: not day.
_DAYLIGHT = {"day": True, "night": False, "polartwilight": False}
# Locationforecast reaches about 9.5 days ahead (recorded: Oslo to +9 days 21 h, NYC to +9
# days): today and 10 more local dates, the last one partly.
HORIZON_DAYS = 10
# A date's UV maximum is only given when its hourly UV readings run to this local hour: the
# UV peak is near solar noon, before 16:00 local almost everywhere (western China, Alaska and
# Spain in summer are the late ones); a date cut off before it would show a morning's UV.
UV_PEAK_DONE_H = 16


def truncate_coordinate(value: float) -> str:
    """A coordinate cut (not rounded) to 4 decimals, as MET's terms require."""
    return str(Decimal(repr(value)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN))


def _symbol_words(code: str) -> tuple[list[str], str]:
    """The known words a symbol code is run together from, and what is left unread."""
    text = code.split("_")[0]
    for typo, fixed in _SYMBOL_TYPOS.items():
        text = text.replace(typo, fixed)
    words: list[str] = []
    while text:
        word = next((w for w in _SYMBOL_WORDS if text.startswith(w)), None)
        if word is None:
            break
        words.append(word)
        text = text[len(word) :]
    return words, text


def describe_symbol(code: object) -> str | None:
    """MET's symbol code as words: "lightrainshowers_day" -> "light rain showers"."""
    if not isinstance(code, str) or not code:
        return None
    words, rest = _symbol_words(code)
    # An unknown symbol: keep the rest as it is.
    return " ".join([*words, rest] if rest else words)


def symbol_kinds(code: object) -> tuple[str, ...]:
    """What a symbol code says falls: "rainshowers_day" -> showers, "heavysleet" -> sleet.

    Only rain showers are "showers" (snow or sleet showers are snow or sleet); thunder is no
    precipitation. A symbol with a part MET has not documented names nothing: a new code must
    not be guessed into a kind.
    """
    if not isinstance(code, str) or not code:
        return ()
    words, rest = _symbol_words(code)
    if rest:
        return ()
    found: list[str] = []
    for i, word in enumerate(words):
        if word in _FALLING:
            showers = word == "rain" and words[i + 1 : i + 2] == ["showers"]
            found.append("showers" if showers else word)
    return tuple(dict.fromkeys(found))


def symbol_is_day(code: object) -> bool | None:
    """Whether a symbol's variant is the day one; None for symbols without a variant."""
    if not isinstance(code, str) or "_" not in code:
        return None  # "cloudy", "snow": the same symbol day and night
    return _DAYLIGHT.get(code.rsplit("_", 1)[1])


def _block(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else {}


def _details(block: Mapping[str, Any]) -> Mapping[str, Any]:
    return _block(block, "details")


def _code(block: Mapping[str, Any]) -> Any:
    return _block(block, "summary").get("symbol_code")


def _symbol(block: Mapping[str, Any]) -> str | None:
    return describe_symbol(_code(block))


def _uv(data: Mapping[str, Any]) -> float | None:
    # Only `complete` has it, and only in the first, hourly, steps. It is the UV index under a
    # clear sky (MET's own name says so): clouds would lower it, so it is the day's ceiling.
    return number(_details(_block(data, "instant")).get("ultraviolet_index_clear_sky"))


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


# Each timeseries entry: its local time and its `data`.
Entries = list[tuple[datetime, Mapping[str, Any]]]


def _entries(data: Mapping[str, Any], zone: LocalZone) -> Entries:
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


def _now(entries: Entries) -> Current | None:
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


def _gap_h(entries: Entries, i: int) -> float | None:
    """Hours from entry `i` to the next one (None for the last)."""
    if i + 1 >= len(entries):
        return None
    return (entries[i + 1][0] - entries[i][0]).total_seconds() / 3600


def _is_hourly(entries: Entries, i: int) -> bool:
    """Whether entry `i` is one of the hourly steps (its own `next_1_hours`, 1 h to the next).

    After ~2.5 days MET's steps are 6-hourly and their `next_1_hours` is gone.
    """
    gap = _gap_h(entries, i)
    return bool(_block(entries[i][1], "next_1_hours")) and (gap is None or gap <= 1)


def _uv_dates(entries: Entries) -> set[date]:
    """The local dates whose hourly UV readings reach past the day's UV peak."""
    last: dict[date, int] = {}
    for i, (moment, data) in enumerate(entries):
        if _is_hourly(entries, i) and _uv(data) is not None:
            last[moment.date()] = max(last.get(moment.date(), 0), moment.hour)
    return {when for when, hour in last.items() if hour >= UV_PEAK_DONE_H}


def _steps(entries: Entries) -> list[Step]:
    steps: list[Step] = []
    uv_dates = _uv_dates(entries)
    for i, (moment, data) in enumerate(entries):
        # Hourly entries first, then 6-hourly: amounts and probabilities come from the block
        # that reaches the next entry, so no hour is counted twice.
        interval = _interval(data, _gap_h(entries, i))
        hourly_uv = _is_hourly(entries, i) and moment.date() in uv_dates
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
                precipitation_kinds=symbol_kinds(_code(interval)),
                # An instant reading every 6 hours would miss the peak: hourly ones only.
                uv_index=_uv(data) if hourly_uv else None,
            )
        )
    return steps


# An hour's values that its entry's step also has (UV only on the dates steps carry it).
_SHARED = ("temperature_c", "precipitation_probability_pct", "precipitation_mm")


def _hours(entries: Entries) -> list[Hour]:
    """The hourly steps as hours (the 6-hourly ones are not hours: no `next_1_hours`)."""
    hours: list[Hour] = []
    uv_dates = _uv_dates(entries)
    for i, (moment, data) in enumerate(entries):
        if not _is_hourly(entries, i):
            continue
        instant = _details(_block(data, "instant"))
        hour = _block(data, "next_1_hours")
        code = _code(hour)
        hours.append(
            Hour(
                time=moment,
                temperature_c=number(instant.get("air_temperature")),
                # `complete` in MET's Nordic domain only; elsewhere unknown, never 0.
                precipitation_probability_pct=number(
                    _details(hour).get("probability_of_precipitation")
                ),
                # All that falls, as water: MET does not split rain from snow.
                precipitation_mm=number(_details(hour).get("precipitation_amount")),
                precipitation_kinds=symbol_kinds(code),
                wind_speed_ms=number(instant.get("wind_speed")),
                uv_index=_uv(data),
                description=describe_symbol(code),
                is_day=symbol_is_day(code),
            )
        )
        # The step's check notes an impossible shared value; the hour drops it without a
        # second note, so one wrong value is one note.
        shared = (*_SHARED, "uv_index") if moment.date() in uv_dates else _SHARED
        hours[-1], _ = checked(hours[-1], {name: HOUR_FIELDS[name] for name in shared})
    return hours


def parse_locationforecast(data: Mapping[str, Any], place: Place, source: str = TITLE) -> Forecast:
    """Typed values from a Locationforecast `compact` or `complete` body.

    Timestamps are UTC; local days come from the place's IANA zone; the first entry is "now".
    A day's high/low are the extremes of its steps. `probability_of_precipitation` exists only
    in `complete` and only in MET's Nordic domain: where it is missing the day's probability
    is None, never 0. Hours are the hourly steps (~2.5 days). There is no sunrise or sunset:
    MET has them in a separate Sunrise API, not asked for (a second request per place).
    """
    zone = local_zone(place.timezone)
    entries = _entries(data, zone)
    return assemble(
        place,
        source,
        zone,
        now=_now(entries),
        steps=_steps(entries),
        hours=_hours(entries),
        horizon_days=HORIZON_DAYS,
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
