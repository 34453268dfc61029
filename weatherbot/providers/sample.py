"""The `sample` provider: real recorded responses shipped in the package; no network at all."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from weatherbot.errors import ProviderError
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.providers.open_meteo import parse_forecast
from weatherbot.providers.places import CITY_ALIASES, parse_coordinates, split_qualifier

LONDON = Place(
    "London", 51.50853, -0.12574, "Europe/London", "England", "United Kingdom", "GB",
    8961989, "PPLC",
)  # fmt: skip
NEW_YORK = Place(
    "New York", 40.71427, -74.00597, "America/New_York", "New York", "United States", "US",
    8804190, "PPL",
)  # fmt: skip
OSLO = Place("Oslo", 59.91273, 10.74609, "Europe/Oslo", "Oslo", "Norway", "NO", 580000, "PPLC")

_NAMES = {
    "london": LONDON, "new york": NEW_YORK, "new york city": NEW_YORK, "nyc": NEW_YORK,
    "manhattan": NEW_YORK, "oslo": OSLO,
}  # fmt: skip
COVERED = "London, New York and Oslo"
NOT_COVERED = f"the offline sample only covers {COVERED}"
NOT_COVERED_HINT = "drop --offline to use live data"
# "lat,lon" within this many degrees of a covered place means that place.
NEAR_DEG = 0.25


def _load(name: str) -> Any:
    text = resources.files("weatherbot.data.sample").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


class SampleGeocoder:
    """Knows only the places the recorded sample covers."""

    def resolve(self, query: str) -> Place:
        """The covered place `query` names, or ProviderError("not_covered")."""
        query = " ".join(query.split())
        coords = parse_coordinates(query)
        if coords is not None:
            for known in (LONDON, NEW_YORK, OSLO):
                if (
                    max(abs(coords[0] - known.latitude), abs(coords[1] - known.longitude))
                    <= NEAR_DEG
                ):
                    return known
            raise ProviderError("not_covered", NOT_COVERED, hint=NOT_COVERED_HINT)
        name, qualifier = split_qualifier(CITY_ALIASES.get(query, query))
        name = CITY_ALIASES.get(name, name)
        place = _NAMES.get(name.casefold())
        if place is not None and (
            qualifier is None
            or (
                qualifier.country_code in (None, place.country_code)
                and (qualifier.admin1 is None or qualifier.admin1 == place.admin1)
            )
        ):
            return place
        raise ProviderError("not_covered", NOT_COVERED, hint=NOT_COVERED_HINT)


def _london() -> Forecast:
    # Two recorded responses of the same minute: current conditions, and the daily block.
    current = _load("forecast_current_plus_daily_london_fahrenheit_2026-05-11.json")
    daily = _load("forecast_daily_precipitation_probability_max_london_fahrenheit_2026-05-11.json")
    merged = {**current, "daily": daily["daily"], "daily_units": daily["daily_units"]}
    return parse_forecast(merged, LONDON, "Open-Meteo")


def _new_york() -> Forecast:
    data = _load("onecall_3.0_nyc_metric_2026-02-06.json")
    tz = ZoneInfo(str(data["timezone"]))
    now = data["current"]
    days = tuple(
        Day(
            date=datetime.fromtimestamp(int(d["dt"]), tz).date(),
            temperature_max_c=float(d["temp"]["max"]),
            temperature_min_c=float(d["temp"]["min"]),
            # One Call gives the chance of precipitation as a fraction 0-1.
            precipitation_probability_pct=float(d["pop"]) * 100 if "pop" in d else None,
            precipitation_mm=float(d.get("rain", 0)) + float(d.get("snow", 0)),
            description=str(d["weather"][0]["description"]) if d.get("weather") else None,
        )
        for d in data["daily"]
    )
    time = datetime.fromtimestamp(int(now["dt"]), tz)
    current = Current(
        time=time,
        temperature_c=float(now["temp"]),
        apparent_temperature_c=float(now["feels_like"]),
        humidity_pct=float(now["humidity"]),
        wind_speed_ms=float(now["wind_speed"]),
        description=str(now["weather"][0]["description"]) if now.get("weather") else None,
    )
    return Forecast(
        NEW_YORK, "OpenWeatherMap", str(data["timezone"]), time.date(),
        datetime.now(UTC), current=current, daily=days,
    )  # fmt: skip


def _met_symbol(code: object) -> str:
    """MET's run-together symbol code as words: "partlycloudy_night" -> "partly cloudy"."""
    words = str(code).split("_")[0]
    for prefix in ("clear", "partly", "heavy", "light"):
        if words.startswith(prefix):
            words = prefix + " " + words[len(prefix) :]
    return words.replace("showers", " showers").replace("  ", " ")


def _oslo() -> Forecast:
    data = _load("locationforecast_compact_oslo_2026-02-06.json")
    tz = ZoneInfo(OSLO.timezone)
    series = data["properties"]["timeseries"]
    first = series[0]
    time = datetime.fromisoformat(first["time"].replace("Z", "+00:00")).astimezone(tz)
    details = first["data"]["instant"]["details"]
    current = Current(
        time=time,
        temperature_c=float(details["air_temperature"]),
        humidity_pct=float(details["relative_humidity"]),
        wind_speed_ms=float(details["wind_speed"]),
        description=_met_symbol(first["data"]["next_1_hours"]["summary"]["symbol_code"]),
    )
    by_day: dict[date, list[float]] = {}
    for entry in series:
        local = datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).astimezone(tz)
        t = entry["data"]["instant"]["details"].get("air_temperature")
        if isinstance(t, int | float):
            by_day.setdefault(local.date(), []).append(float(t))
    # MET's compact product has no probability of precipitation: None, never 0.
    days = tuple(Day(d, max(v), min(v), None) for d, v in sorted(by_day.items()))
    return Forecast(
        OSLO, "MET Norway", OSLO.timezone, time.date(), datetime.now(UTC),
        current=current, daily=days,
    )  # fmt: skip


_BUILDERS = {LONDON.key: _london, NEW_YORK.key: _new_york, OSLO.key: _oslo}


class SampleProvider:
    """Serves the recordings for the covered places; every answer carries its recording date."""

    name = "sample"
    title = "recorded sample"

    def forecast(self, place: Place) -> Forecast:
        """The recorded forecast for a covered place."""
        builder = _BUILDERS.get(place.key)
        if builder is None:
            raise ProviderError("not_covered", NOT_COVERED, hint=NOT_COVERED_HINT)
        result = builder()
        day = result.today.isoformat()
        return replace(result, source=f"{result.source} (recorded sample, {day})", sample_date=day)
