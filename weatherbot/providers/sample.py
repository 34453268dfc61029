"""The `sample` provider: real recorded responses shipped in the package; no network at all."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from typing import Any

from weatherbot.errors import ProviderError
from weatherbot.providers.met_norway import parse_locationforecast
from weatherbot.providers.models import Forecast, Place
from weatherbot.providers.open_meteo import parse_forecast
from weatherbot.providers.openweathermap import parse_onecall
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


def _with_columns(daily: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`daily` (parallel arrays by date) with the columns only `extra` has, aligned by date;
    null on the dates `extra` does not cover."""
    where = {stamp: i for i, stamp in enumerate(extra.get("time") or [])}
    merged = dict(daily)
    for name, values in extra.items():
        if name not in daily:
            merged[name] = [values[where[t]] if t in where else None for t in daily["time"]]
    return merged


def _london() -> Forecast:
    # Two recorded responses of the same minute: current conditions with today's sunrise and
    # sunset, and the 7-day block; today's sun times are kept on the week's first day.
    current = _load("forecast_current_plus_daily_london_fahrenheit_2026-05-11.json")
    week = _load("forecast_daily_precipitation_probability_max_london_fahrenheit_2026-05-11.json")
    merged = {
        **current,
        "daily": _with_columns(week["daily"], current["daily"]),
        "daily_units": {**current["daily_units"], **week["daily_units"]},
    }
    return parse_forecast(merged, LONDON, "Open-Meteo")


def _new_york() -> Forecast:
    data = _load("onecall_3.0_nyc_metric_2026-02-06.json")
    return parse_onecall(data, NEW_YORK, "OpenWeatherMap")


def _oslo() -> Forecast:
    data = _load("locationforecast_compact_oslo_2026-02-06.json")
    return parse_locationforecast(data, OSLO, "MET Norway")


_BUILDERS = {LONDON.key: _london, NEW_YORK.key: _new_york, OSLO.key: _oslo}


class SampleProvider:
    """Serves the recordings for the covered places; every answer carries its recording date."""

    name = "sample"
    title = "recorded sample"

    def forecast(self, place: Place) -> Forecast:
        """The recorded forecast for a covered place."""
        builder = _BUILDERS.get(place.key)
        if builder is None:
            # A saved place ("home") reaches here resolved: say which place is missing.
            raise ProviderError(
                "not_covered",
                f"{NOT_COVERED}, not {place.display_name}",
                hint=NOT_COVERED_HINT,
            )
        result = builder()
        day = result.today.isoformat()
        return replace(result, source=f"{result.source} (recorded sample, {day})", sample_date=day)
