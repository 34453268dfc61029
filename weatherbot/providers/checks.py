"""What a provider's values may be; anything else is a provider error for that one field.

A provider that sends NaN, Infinity, 1e308, a negative rain amount or a 250 % chance of rain
is broken (or hostile) for that value only: the field becomes None (missing), the forecast
gets a note naming it, and nothing downstream (the terminal, `--json`, the model) ever sees
the number. Text from a provider is plain, one-line and capped (`weatherbot.text_safety`).
Every built-in provider reaches these checks through `assembly.assemble`; `validated` runs
again on every provider's answer in the weather service, so plug-ins get them too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from weatherbot.providers.models import (
    PRECIPITATION_KINDS,
    Alert,
    Current,
    Day,
    Forecast,
    Hour,
    Place,
)
from weatherbot.text_safety import (
    CODE_MAX,
    DESCRIPTION_MAX,
    HEADLINE_MAX,
    MESSAGE_MAX,
    PLACE_PART_MAX,
    ZONE_MAX,
    optional_text,
    plain_text,
)

# The ranges a real reading or forecast can have. Each leaves a margin around the records, so
# a genuine extreme is never refused, while a unit mix-up or garbage is.
# Air temperature: the records are -89.2 °C (Vostok, 1983) and 56.7 °C (Death Valley, 1913).
# Kelvin sent as Celsius (273) or a placeholder like -999 falls outside.
TEMPERATURE_C = (-100.0, 70.0)
# Probability and relative humidity are percentages: 0..100 by definition.
PERCENT = (0.0, 100.0)
# Precipitation cannot be negative; the most ever measured in one day is 1825 mm (Foc-Foc,
# Réunion, 1966), so no day (and no shorter step) can hold more than 2000 mm.
PRECIPITATION_MM = (0.0, 2000.0)
# Wind speed cannot be negative; the fastest gust measured is 113 m/s (Barrow Island, 1996)
# and radar tornado winds reach ~135 m/s (Bridge Creek, 1999).
WIND_MS = (0.0, 150.0)
# Snow as it lies: the deepest one-day fall measured is 193 cm (Silver Lake, Colorado, 1921).
SNOWFALL_CM = (0.0, 500.0)
# The UV index: 43 is the highest ever measured (Licancabur, 2003); a noon in the tropics is ~12.
UV_INDEX = (0.0, 50.0)
# Daylight is part of one day (a day of 25 hours at a DST change still has at most 24 of sun).
DAYLIGHT_S = (0.0, 86_400.0)
# Coordinates: a geocoder's place outside these is no place at all.
LATITUDE = (-90.0, 90.0)
LONGITUDE = (-180.0, 180.0)

Bounds = tuple[float, float]
# A record's numeric fields: name -> (how a note names it, its range).
Fields = Mapping[str, tuple[str, Bounds]]

CURRENT_FIELDS: Fields = {
    "temperature_c": ("the current temperature", TEMPERATURE_C),
    "apparent_temperature_c": ("the feels-like temperature", TEMPERATURE_C),
    "humidity_pct": ("the humidity", PERCENT),
    "wind_speed_ms": ("the wind speed", WIND_MS),
}
DAY_FIELDS: Fields = {
    "temperature_max_c": ("the high", TEMPERATURE_C),
    "temperature_min_c": ("the low", TEMPERATURE_C),
    "precipitation_probability_pct": ("the chance of precipitation", PERCENT),
    "precipitation_mm": ("the precipitation amount", PRECIPITATION_MM),
    "rain_mm": ("the rain amount", PRECIPITATION_MM),
    "showers_mm": ("the showers amount", PRECIPITATION_MM),
    "snowfall_cm": ("the snowfall", SNOWFALL_CM),
    "daylight_s": ("the daylight duration", DAYLIGHT_S),
    "uv_index_max": ("the UV index", UV_INDEX),
}
HOUR_FIELDS: Fields = {
    "temperature_c": ("an hourly temperature", TEMPERATURE_C),
    "apparent_temperature_c": ("an hourly feels-like temperature", TEMPERATURE_C),
    "precipitation_probability_pct": ("an hourly chance of precipitation", PERCENT),
    "precipitation_mm": ("an hourly precipitation amount", PRECIPITATION_MM),
    "rain_mm": ("an hourly rain amount", PRECIPITATION_MM),
    "showers_mm": ("an hourly showers amount", PRECIPITATION_MM),
    "snowfall_cm": ("an hourly snowfall", SNOWFALL_CM),
    "wind_speed_ms": ("an hourly wind speed", WIND_MS),
    "uv_index": ("an hourly UV index", UV_INDEX),
}
# `assembly.Step`: the values a day is aggregated from, checked before they are.
STEP_FIELDS: Fields = {
    "temperature_c": ("a temperature", TEMPERATURE_C),
    "high_c": ("the high", TEMPERATURE_C),
    "low_c": ("the low", TEMPERATURE_C),
    "precipitation_probability_pct": ("the chance of precipitation", PERCENT),
    "precipitation_mm": ("the precipitation amount", PRECIPITATION_MM),
    "snowfall_cm": ("the snowfall", SNOWFALL_CM),
    "uv_index": ("the UV index", UV_INDEX),
}

R = TypeVar("R")


@dataclass(frozen=True)
class Problem:
    """A field the provider sent an impossible value for (`when`: the day it belongs to)."""

    label: str
    when: date | None = None


def within(value: object, bounds: Bounds) -> bool:
    """Whether `value` is a finite number inside `bounds` (NaN and ±Infinity never are)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False  # a plug-in's string or flag is no measurement
    try:
        return math.isfinite(value) and bounds[0] <= value <= bounds[1]
    except OverflowError:  # an integer past a float's range
        return False


def checked(record: R, fields: Fields, when: date | None = None) -> tuple[R, list[Problem]]:
    """`record` (a dataclass) with every impossible number in `fields` replaced by None."""
    bad: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, (label, bounds) in fields.items():
        value = getattr(record, name)
        if value is not None and not within(value, bounds):
            bad[name] = None
            problems.append(Problem(label, when))
    return (replace(record, **bad) if bad else record), problems  # type: ignore[type-var]


def checked_all(
    records: Iterable[R], fields: Fields, when: Callable[[R], date | None]
) -> tuple[list[R], list[Problem]]:
    """`checked` for each record, with the day each belongs to."""
    kept: list[R] = []
    problems: list[Problem] = []
    for record in records:
        good, found = checked(record, fields, when(record))
        kept.append(good)
        problems += found
    return kept, problems


def _current(now: Current | None) -> tuple[Current | None, list[Problem]]:
    if now is None:
        return None, []
    good, problems = checked(now, CURRENT_FIELDS)
    # Conditions without a temperature are no conditions (Current needs one); that one note
    # says so, the rest of them being wrong too does not matter any more.
    if good.temperature_c is None:
        temperature = CURRENT_FIELDS["temperature_c"][0]
        return None, [p for p in problems if p.label == temperature]
    return replace(good, description=optional_text(good.description, DESCRIPTION_MAX)), problems


def _kinds(found: Iterable[str]) -> tuple[str, ...]:
    # A plug-in's own words would reach the model and the answer: only the known kinds pass.
    return tuple(k for k in dict.fromkeys(found) if k in PRECIPITATION_KINDS)


def _day(day: Day) -> tuple[Day, list[Problem]]:
    good, problems = checked(day, DAY_FIELDS, day.date)
    if (good.daylight_s is not None) and good.daylight_s == 0:
        good = replace(good, sunrise=None, sunset=None)  # polar night: no times to show
    return replace(
        good,
        description=optional_text(good.description, DESCRIPTION_MAX),
        precipitation_kinds=_kinds(good.precipitation_kinds),
    ), problems


def _hour(hour: Hour) -> tuple[Hour, list[Problem]]:
    good, problems = checked(hour, HOUR_FIELDS, hour.time.date())
    description = optional_text(good.description, DESCRIPTION_MAX)
    kinds = _kinds(good.precipitation_kinds)
    # 384 hours a forecast: a copy only when something changed (replace() is the slow part).
    if description == good.description and kinds == good.precipitation_kinds:
        return good, problems
    return replace(good, description=description, precipitation_kinds=kinds), problems


def clean_alert(alert: Alert) -> Alert:
    """An alert's texts as plain, capped text (an event that ends up empty is "alert")."""
    return Alert(
        event=plain_text(str(alert.event), DESCRIPTION_MAX) or "alert",
        headline=optional_text(alert.headline, HEADLINE_MAX),
        severity=optional_text(alert.severity, DESCRIPTION_MAX),
        expires=alert.expires,
    )


def usable_place(place: Place) -> Place:
    """`clean_place`, or ValueError if the place has no name or is no place on Earth."""
    latitude, longitude = float(place.latitude), float(place.longitude)
    if not (within(latitude, LATITUDE) and within(longitude, LONGITUDE)):
        raise ValueError(f"no place has the coordinates {latitude!r}, {longitude!r}")
    cleaned = clean_place(replace(place, latitude=latitude, longitude=longitude))
    if not cleaned.name:
        raise ValueError("a place without a name")
    return cleaned


def clean_place(place: Place) -> Place:
    """A place with plain, capped names and codes (the coordinates as they are)."""
    code = optional_text(place.country_code, CODE_MAX)
    population = place.population
    return replace(
        place,
        name=plain_text(str(place.name), PLACE_PART_MAX),
        timezone=plain_text(str(place.timezone), ZONE_MAX) or "UTC",
        admin1=optional_text(place.admin1, PLACE_PART_MAX),
        country=optional_text(place.country, PLACE_PART_MAX),
        # ISO 3166 alpha-2 ("GB"): anything else cannot match a qualifier or pick a unit.
        country_code=code
        if code and len(code) == 2 and code.isascii() and code.isalpha()
        else None,
        population=population if isinstance(population, int) and population >= 0 else None,
        feature_code=optional_text(place.feature_code, CODE_MAX),
    )


# More dates than this are a span: 16 dates in a note bury the one the user asked about.
LISTED_DATES = 3


def _on(dates: Sequence[date]) -> str:
    if not dates:
        return ""
    if len(dates) <= LISTED_DATES:
        return " on " + ", ".join(d.isoformat() for d in dates)
    return f" on {len(dates)} days, {dates[0].isoformat()} to {dates[-1].isoformat()}"


def notes_for(source: str, problems: Sequence[Problem]) -> tuple[str, ...]:
    """One note per field the provider got wrong, with the days it got it wrong on."""
    days: dict[str, list[date]] = {}
    for problem in problems:
        found = days.setdefault(problem.label, [])
        if problem.when is not None and problem.when not in found:
            found.append(problem.when)
    notes = []
    for label, dates in days.items():
        on = _on(sorted(dates))
        outcome = (
            "there are no current conditions"
            if label == CURRENT_FIELDS["temperature_c"][0]
            else "it is left out"
        )
        notes.append(f"{source} sent an impossible value for {label}{on}; {outcome}")
    return tuple(notes)


def validated(forecast: Forecast, problems: Sequence[Problem] = ()) -> Forecast:
    """The forecast with every impossible value missing and noted, and every text plain.

    `problems` are those found earlier (in the steps a provider's days were built from).
    Running it again on its own result changes nothing.
    """
    current, found = _current(forecast.current)
    daily: list[Day] = []
    for day in forecast.daily:
        good, more = _day(day)
        daily.append(good)
        found += more
    hourly: list[Hour] = []
    for hour in forecast.hourly:
        good_hour, more = _hour(hour)
        hourly.append(good_hour)
        found += more
    source = plain_text(str(forecast.source), DESCRIPTION_MAX) or "the weather provider"
    notes = [plain_text(str(note), MESSAGE_MAX) for note in forecast.notes]
    notes += [n for n in notes_for(source, [*problems, *found]) if n not in notes]
    return replace(
        forecast,
        place=clean_place(forecast.place),
        source=source,
        timezone=plain_text(str(forecast.timezone), ZONE_MAX) or "UTC",
        current=current,
        daily=tuple(daily),
        hourly=tuple(hourly),
        alerts=None if forecast.alerts is None else tuple(map(clean_alert, forecast.alerts)),
        notes=tuple(n for n in notes if n),
    )
