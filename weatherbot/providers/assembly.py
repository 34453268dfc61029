"""The one path from a provider's parsed records to a `Forecast`.

A provider reads its own JSON (field names, unit tokens, fractions, API quirks) into simple
records: `Current` (conditions now; None without a temperature), `Day` (a row the provider
already gives per local day) or `Step` (a forecast time step: an hour, a 6-hour block, a
12-hour period). The code here does what used to be repeated per provider: local times and
dates in the place's zone, steps aggregated into days, descriptions from WMO codes, "today",
the empty-answer error, and the checks and cache age around a parse.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weatherbot.errors import ProviderError
from weatherbot.providers.checks import STEP_FIELDS, checked_all, validated, within
from weatherbot.providers.models import Alert, Current, Day, Forecast, Hour, Place
from weatherbot.providers.weather_codes import describe
from weatherbot.text_safety import ZONE_MAX, plain_text

# Real UTC offsets run from -12 h to +14 h; a response's offset beyond ±18 h is garbage (and
# one of a day or more cannot be a tzinfo at all).
UTC_OFFSET_S = (-18 * 3600.0, 18 * 3600.0)
# Response unit strings are not the request tokens: Open-Meteo answers mph as "mp/h".
WIND_TO_MS = {"m/s": 1.0, "km/h": 1 / 3.6, "mp/h": 0.44704, "mph": 0.44704, "kn": 0.514444}


def number(value: Any) -> float | None:
    """A JSON number as a float; None for null, strings and booleans.

    NaN and ±Infinity (Python's json reads `NaN`, `Infinity` and `1e999`) are passed on, and
    an integer too big for a float is ±Infinity: `assemble` refuses them field by field
    (checks.py), so the forecast can say which value the provider got wrong.
    """
    # bool is an int subclass; a JSON true is not a measurement.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # a JSON integer with 400 digits
        return math.inf if value > 0 else -math.inf


def whole(value: Any) -> int | None:
    """A JSON number as an int (a weather code); None for null, non-numbers and non-finite."""
    amount = number(value)
    return int(amount) if amount is not None and math.isfinite(amount) else None


def to_celsius(value: Any, unit: str | None) -> float | None:
    """A temperature in °F ("°F" or "F") or °C (anything else) as °C; None for null."""
    degrees = number(value)
    if degrees is None:
        return None
    return (degrees - 32) * 5 / 9 if unit in ("°F", "F") else degrees


def to_ms(value: Any, unit: str | None) -> float | None:
    """A wind speed as m/s; a missing or unknown unit is km/h (Open-Meteo's default)."""
    speed = number(value)
    if speed is None:
        return None
    return speed * WIND_TO_MS.get(unit or "km/h", 1 / 3.6)


def to_mm(value: Any, unit: str | None) -> float | None:
    """A precipitation amount in mm or "inch" as mm; None for null."""
    amount = number(value)
    if amount is None:
        return None
    return amount * 25.4 if unit == "inch" else amount


def to_cm(value: Any, unit: str | None) -> float | None:
    """A snowfall depth in cm or "inch" as cm; None for null (Open-Meteo's default is cm)."""
    amount = number(value)
    if amount is None:
        return None
    return amount * 2.54 if unit == "inch" else amount


@dataclass(frozen=True)
class LocalZone:
    """The place's time zone as the forecast names it, and the tzinfo its times are shown in.

    `tz` None means "keep each timestamp's own offset" (NWS times carry the local offset).
    """

    name: str
    tz: tzinfo | None

    def local(self, moment: datetime) -> datetime:
        """An instant in this zone; a naive time is UTC (MET and NWS send UTC or offsets)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment if self.tz is None else moment.astimezone(self.tz)

    def wall_clock(self, text: Any) -> datetime:
        """An ISO time; without an offset it is a local wall-clock time in this zone."""
        # Open-Meteo with `timezone=auto` sends "2026-05-11T23:30": local, but no offset.
        moment = datetime.fromisoformat(str(text))
        return moment if moment.tzinfo else moment.replace(tzinfo=self.tz or UTC)

    def from_epoch(self, seconds: Any) -> datetime:
        """Unix seconds (UTC) as a local time; ValueError for NaN, Infinity or year 300000."""
        try:
            return datetime.fromtimestamp(int(seconds), self.tz or UTC)
        except (OverflowError, OSError) as exc:
            raise ValueError(f"no time is {seconds!r} seconds after 1970") from exc


def local_zone(name: str, offset_s: Any = None, *, keep_offsets: bool = False) -> LocalZone:
    """The zone `name`; if this machine does not know it, the best honest substitute.

    That is the response's fixed UTC offset (`offset_s`, right at least for today) under the
    same name, or each timestamp's own offset (`keep_offsets`), or else plain UTC, named so.
    """
    # The name is shown and given to the model: plain text, like every provider string.
    name = plain_text(str(name), ZONE_MAX)
    try:
        return LocalZone(name, ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError):
        pass
    seconds = number(offset_s)
    if seconds is not None and within(seconds, UTC_OFFSET_S):
        return LocalZone(name or "UTC", timezone(timedelta(seconds=seconds)))
    if keep_offsets:
        return LocalZone(name, None)
    return LocalZone("UTC", UTC)


R = TypeVar("R", Day, Hour)


@dataclass(frozen=True)
class Step:
    """One forecast time step; it counts for the local date it starts on.

    `temperature_c` is an instant reading (it counts for the day's high and its low);
    `high_c`/`low_c` are a period's own forecast high or low. The day's description is that of
    its step with the lowest `description_rank` (the first one on a tie).
    """

    time: datetime
    temperature_c: float | None = None
    high_c: float | None = None
    low_c: float | None = None
    precipitation_probability_pct: float | None = None
    precipitation_mm: float | None = None
    description: str | None = None
    description_rank: float = 0.0
    snowfall_cm: float | None = None
    precipitation_kinds: tuple[str, ...] = ()
    uv_index: float | None = None


def _known(values: Iterable[float | None]) -> list[float]:
    return [value for value in values if value is not None]


def _day(when: date, steps: Sequence[Step]) -> Day:
    highs = _known(v for s in steps for v in (s.temperature_c, s.high_c))
    lows = _known(v for s in steps for v in (s.temperature_c, s.low_c))
    # A probability is the day's maximum; a day with none stays None (unknown), never 0.
    chances = _known(s.precipitation_probability_pct for s in steps)
    amounts = _known(s.precipitation_mm for s in steps)
    described = [s for s in steps if s.description]
    best = min(described, key=lambda s: s.description_rank) if described else None
    snow = _known(s.snowfall_cm for s in steps)
    uv = _known(s.uv_index for s in steps)
    return Day(
        date=when,
        temperature_max_c=max(highs) if highs else None,
        temperature_min_c=min(lows) if lows else None,
        precipitation_probability_pct=max(chances) if chances else None,
        precipitation_mm=round(sum(amounts), 1) if amounts else None,
        description=best.description if best else None,
        snowfall_cm=round(sum(snow), 1) if snow else None,
        # The most significant step's kinds first (it gave the day its description).
        precipitation_kinds=tuple(
            dict.fromkeys(
                k for s in ([best] if best else []) + list(steps) for k in s.precipitation_kinds
            )
        ),
        uv_index_max=max(uv) if uv else None,
    )


def daily_from_steps(steps: Iterable[Step], zone: LocalZone) -> list[Day]:
    """Steps grouped by their local date (in `zone`) into days, in date order."""
    by_date: dict[date, list[Step]] = {}
    for step in steps:
        by_date.setdefault(zone.local(step.time).date(), []).append(step)
    return [_day(when, group) for when, group in sorted(by_date.items())]


def _current(now: Current | None, zone: LocalZone) -> Current | None:
    if now is None:
        return None
    description = now.description if now.description is not None else describe(now.weather_code)
    return replace(now, time=zone.local(now.time), description=description)


def _localised(hour: Hour, zone: LocalZone) -> Hour:
    """The hour with its time in the place's zone (Open-Meteo's already is: no copy then)."""
    local = zone.local(hour.time)
    return (
        hour
        if local.tzinfo is hour.time.tzinfo and local == hour.time
        else replace(hour, time=local)
    )


def _described(record: R) -> R:
    """A Day or Hour with the description of its WMO code when the provider sent none."""
    if record.description is not None or record.weather_code is None:
        return record
    return replace(record, description=describe(record.weather_code))


def assemble(
    place: Place,
    source: str,
    zone: LocalZone,
    *,
    now: Current | None = None,
    days: Iterable[Day] = (),
    steps: Iterable[Step] = (),
    hours: Iterable[Hour] = (),
    today: date | None = None,
    alerts: tuple[Alert, ...] | None = None,
    horizon_days: int | None = None,
) -> Forecast:
    """The Forecast from parsed records; ProviderError("bad_data") if there is nothing in it.

    `days` are the provider's own daily rows, `steps` time steps to aggregate into local days
    (each impossible value is dropped first, so it cannot become a day's high). Every value is
    checked (checks.py): one that cannot be real is missing, with a note naming it. `today` is
    the place's local date: the provider's own "local now" when it sends one, else the date
    of the current reading, else the first day's.
    """
    checked_steps, problems = checked_all(
        steps, STEP_FIELDS, lambda step: zone.local(step.time).date()
    )
    current = _current(now, zone)
    daily = tuple(_described(day) for day in [*days, *daily_from_steps(checked_steps, zone)])
    if current is None and not daily:
        raise ProviderError("bad_data", f"{source} sent a forecast without data")
    if today is None:
        # The reading's date even when its temperature turns out impossible.
        today = current.time.date() if current else daily[0].date
    forecast = Forecast(
        place=replace(place, timezone=zone.name),
        source=source,
        timezone=zone.name,
        today=today,
        fetched_at=datetime.now(UTC),
        current=current,
        daily=daily,
        hourly=tuple(_described(_localised(h, zone)) for h in hours),
        alerts=alerts,
        horizon_days=horizon_days,
    )
    return validated(forecast, problems)


def _malformed(title: str) -> ProviderError:
    return ProviderError("bad_data", f"{title} sent a malformed forecast")


def checked_forecast(
    title: str, data: Any, age: float | None, parse: Callable[[Mapping[str, Any]], Forecast]
) -> Forecast:
    """`parse(data)` with its cache age; a body that is not the expected shape is bad_data."""
    if not isinstance(data, Mapping):
        raise _malformed(title)
    try:
        result = parse(data)
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise _malformed(title) from exc
    return result if age is None else replace(result, cache_age_s=age)
