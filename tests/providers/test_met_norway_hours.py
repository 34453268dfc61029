"""MET Norway hours, what falls and UV, on the recorded Oslo `compact` and London `complete`."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from tests.fakes.provider_server import met_london_complete
from tests.providers.conftest import recording
from weatherbot.providers.met_norway import (
    HORIZON_DAYS,
    parse_locationforecast,
    symbol_is_day,
    symbol_kinds,
)
from weatherbot.providers.sample import LONDON, OSLO

OSLO_COMPACT = "locationforecast_compact_oslo_2026-02-06.json"


@pytest.mark.parametrize(
    ("code", "kinds"),
    [("lightsnow", ("snow",)), ("snow", ("snow",)), ("sleet", ("sleet",)),
     ("rainshowers_day", ("showers",)), ("heavyrainandthunder", ("rain",)),
     ("lightssleetshowersandthunder_day", ("sleet",)), ("heavysnowshowers_night", ("snow",)),
     ("lightrain", ("rain",)), ("cloudy", ()), ("clearsky_day", ()),
     # Not MET's: an unknown code (or an unknown part of one) names nothing.
     ("hailstorm_day", ()), ("rainxyz", ()), ("", ()), (None, ()), (42, ())],
)  # fmt: skip
def test_symbol_codes_name_what_falls(code: Any, kinds: tuple[str, ...]) -> None:
    assert symbol_kinds(code) == kinds


@pytest.mark.parametrize(
    ("code", "is_day"),
    [("partlycloudy_day", True), ("fair_night", False), ("snow_polartwilight", False),
     ("cloudy", None), ("rain_noon", None), (None, None)],
)  # fmt: skip
def test_symbol_variant_says_day_or_night(code: Any, is_day: bool | None) -> None:
    assert symbol_is_day(code) is is_day


def test_oslo_compact_hours_are_the_hourly_steps() -> None:
    forecast = parse_locationforecast(recording(OSLO_COMPACT), OSLO)
    assert forecast.horizon_days == HORIZON_DAYS == 10
    hours = forecast.hourly
    # 51 hourly entries, 21:00Z on 6 Feb to 23:00Z on 8 Feb; the 6-hourly ones are no hours.
    assert len(hours) == 51
    first, last = hours[0], hours[-1]
    assert first.time.isoformat() == "2026-02-06T22:00:00+01:00"
    assert (first.temperature_c, first.precipitation_mm, first.wind_speed_ms) == (-5.8, 0.5, 6.0)
    assert first.precipitation_kinds == ("snow",) and first.description == "snow"
    # "snow" has no day/night variant; compact has no probability and no UV.
    assert first.is_day is None and first.precipitation_probability_pct is None
    assert all(h.uv_index is None for h in hours)
    assert last.time.isoformat() == "2026-02-09T00:00:00+01:00"
    # 04:00 local: "lightsnow", 0.2 mm; 14:00 "partlycloudy_day", 17:00 "partlycloudy_night".
    assert (hours[6].description, hours[6].precipitation_kinds) == ("light snow", ("snow",))
    assert hours[6].precipitation_mm == 0.2
    assert (hours[16].is_day, hours[19].is_day) == (True, False)
    assert hours[8].precipitation_kinds == ()
    # MET has no separate rain or snow amounts, no feels-like, no WMO code.
    assert all(h.snowfall_cm is None and h.rain_mm is None for h in hours)
    assert all(h.apparent_temperature_c is None and h.weather_code is None for h in hours)


def test_oslo_days_say_snow_and_have_no_sun_times() -> None:
    forecast = parse_locationforecast(recording(OSLO_COMPACT), OSLO)
    kinds = {d.date.isoformat(): d.precipitation_kinds for d in forecast.daily}
    assert kinds["2026-02-06"] == ("snow",) and kinds["2026-02-07"] == ("snow",)
    assert kinds["2026-02-08"] == () and kinds["2026-02-16"] == ()
    # The Sunrise API is not asked: no times, no invented daylight; no snow depth either.
    assert all(d.sunrise is None and d.sunset is None and d.daylight_s is None
               for d in forecast.daily)  # fmt: skip
    assert all(d.snowfall_cm is None and d.uv_index_max is None for d in forecast.daily)


def test_london_complete_clear_sky_uv_by_hour_and_day() -> None:
    forecast = parse_locationforecast(met_london_complete(), LONDON)
    assert len(forecast.hourly) == 55
    noon = forecast.hourly[0]
    assert noon.time.isoformat() == "2020-07-20T12:00:00+01:00"
    assert (noon.uv_index, noon.is_day, noon.description) == (6.4, True, "clear sky")
    # The hourly steps end at 17:00Z on 22 July; after that MET gives no UV.
    assert forecast.hourly[-1].time.isoformat() == "2020-07-22T18:00:00+01:00"
    assert [d.uv_index_max for d in forecast.daily[:4]] == [6.7, 6.8, 6.7, None]
    # "lightrainshowers_day" in a 6-hour block on 25 July.
    day = forecast.day(forecast.today.replace(day=25))
    assert day is not None and day.precipitation_kinds == ("showers",)
    assert day.description == "light rain showers"


def test_a_day_cut_before_its_uv_peak_has_no_uv_maximum() -> None:
    data = copy.deepcopy(met_london_complete())
    series = data["properties"]["timeseries"]
    # TEST VALUES: the recording cut after 12:00Z (13:00 local) on 22 July, as if MET's hourly
    # steps ended there: that day's readings stop before its UV peak is surely past.
    cut = next(i for i, e in enumerate(series) if e["time"] == "2020-07-22T12:00:00Z")
    del series[cut + 1 :]
    forecast = parse_locationforecast(data, LONDON)
    assert [d.uv_index_max for d in forecast.daily] == [6.7, 6.8, None]
    assert forecast.hourly[-1].uv_index == 6.7  # the hour itself keeps its reading


def test_hostile_hour_values_are_dropped_once() -> None:
    data = copy.deepcopy(met_london_complete())
    series = data["properties"]["timeseries"]
    # TEST VALUES: broken numbers and an unknown symbol in the recorded hourly steps.
    series[1]["data"]["instant"]["details"]["ultraviolet_index_clear_sky"] = math.nan
    series[2]["data"]["instant"]["details"]["wind_speed"] = -3.0
    series[3]["data"]["next_1_hours"]["summary"]["symbol_code"] = "hailstorm_day"
    series[4]["data"]["next_1_hours"]["details"]["precipitation_amount"] = math.inf
    forecast = parse_locationforecast(data, LONDON)
    hours = forecast.hourly
    assert hours[1].uv_index is None and hours[1].temperature_c == 19.6
    assert hours[2].wind_speed_ms is None
    assert hours[3].precipitation_kinds == () and hours[3].description == "hailstorm"
    assert hours[3].is_day is True
    assert hours[4].precipitation_mm is None
    # The UV and the amount are noted once (for the day's steps), the wind once (hours only).
    notes = " | ".join(forecast.notes)
    assert notes.count("UV index") == 1 and notes.count("precipitation amount") == 1
    assert "an hourly wind speed on 2020-07-20" in notes
    assert len(forecast.notes) == 3
    # 6.7 at 13:00 local was the NaN: the day's maximum is the 6.4 of 12:00.
    assert forecast.daily[0].uv_index_max == 6.4
