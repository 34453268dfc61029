"""OpenWeatherMap One Call 3.0: 48 hours, snow as water, sun times and UV, on the NYC recording."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.fakes.provider_server import FakeProviders
from tests.providers.conftest import recording
from weatherbot.providers import openweathermap as owm
from weatherbot.providers.registry import build_service
from weatherbot.providers.sample import NEW_YORK
from weatherbot.settings import load_settings

ONECALL = "onecall_3.0_nyc_metric_2026-02-06.json"


def onecall() -> dict[str, Any]:
    return recording(ONECALL)  # type: ignore[no-any-return]


def test_hours_from_the_recording(fake_providers: FakeProviders) -> None:
    forecast = build_service(load_settings(provider="openweathermap")).forecast(NEW_YORK)
    assert forecast.horizon_days == owm.HORIZON_DAYS == 8
    hours = forecast.hourly
    assert len(hours) == 48
    first = hours[0]
    assert first.time.isoformat() == "2026-02-06T16:00:00-05:00"
    assert (first.temperature_c, first.apparent_temperature_c) == (-0.66, -3.52)
    assert (first.uv_index, first.is_day, first.description) == (0.18, True, "broken clouds")
    # Absent rain/snow is none (OWM sends them only when something falls).
    assert (first.precipitation_mm, first.rain_mm, first.precipitation_kinds) == (0.0, 0.0, ())
    # 19:00: pop 0.2, snow.1h 0.13 mm of water, "light snow" (600), icon "13n".
    snowy = hours[3]
    assert snowy.time.isoformat() == "2026-02-06T19:00:00-05:00"
    assert snowy.precipitation_probability_pct == 20 and snowy.precipitation_mm == 0.13
    assert snowy.precipitation_kinds == ("snow",) and snowy.is_day is False
    # Water, not depth: OWM has no snowfall in cm, and its condition id is no WMO code.
    assert all(h.snowfall_cm is None and h.weather_code is None for h in hours)
    assert hours[4].precipitation_probability_pct == 100
    assert [h.precipitation_mm for h in hours[3:10]] == [0.13, 0.18, 0.19, 0.19, 0.0, 0.14, 0.0]


def test_days_have_sun_times_uv_and_what_falls() -> None:
    forecast = owm.parse_onecall(onecall(), NEW_YORK)
    today = forecast.daily[0]
    assert today.sunrise is not None and today.sunset is not None
    assert today.sunrise.isoformat() == "2026-02-06T07:00:57-05:00"
    assert today.sunset.isoformat() == "2026-02-06T17:19:01-05:00"
    assert today.daylight_s == 37084 and today.uv_index_max == 2.22
    assert today.precipitation_kinds == ("snow",) and today.precipitation_mm == 0.69
    # 11 Feb: "rain and snow" (616), rain 4.38 + snow 2.17 mm of water.
    mixed = forecast.daily[5]
    assert mixed.date.isoformat() == "2026-02-11"
    assert (mixed.rain_mm, mixed.precipitation_mm, mixed.snowfall_cm) == (4.38, 6.55, None)
    assert mixed.precipitation_kinds == ("rain", "snow")
    assert forecast.daily[2].precipitation_kinds == () and forecast.daily[7].uv_index_max == 4


def test_rain_and_snow_in_one_hour_is_sleet() -> None:
    data = onecall()
    # TEST VALUES (hand-made, in the recorded hourly shape): a wet-snow hour.
    data["hourly"][0].update(
        rain={"1h": 0.4},
        snow={"1h": 0.3},
        weather=[{"id": 616, "main": "Snow", "description": "rain and snow", "icon": "13d"}],
    )
    data["hourly"][1]["weather"][0]["id"] = 511  # freezing rain, nothing measured
    hours = owm.parse_onecall(data, NEW_YORK).hourly
    assert hours[0].precipitation_kinds == ("sleet",)
    assert (hours[0].precipitation_mm, hours[0].rain_mm) == (0.7, 0.4)
    assert hours[1].precipitation_kinds == ("freezing_rain",)


@pytest.mark.parametrize("dt", [math.nan, math.inf, 1e308, "soon", None])
def test_an_hour_without_a_usable_time_is_left_out(dt: Any) -> None:
    data = onecall()
    data["hourly"][5]["dt"] = dt  # TEST VALUE
    forecast = owm.parse_onecall(data, NEW_YORK)
    # 21:00 (-2.79 °C) is gone; 22:00 (-3.46 °C) follows 20:00.
    assert len(forecast.hourly) == 47 and forecast.hourly[5].temperature_c == -3.46
    assert forecast.hourly[5].time.isoformat() == "2026-02-06T22:00:00-05:00"


def test_hostile_hourly_and_sun_values() -> None:
    data = onecall()
    # TEST VALUES: broken numbers in the recorded blocks.
    data["hourly"][3]["snow"] = {"1h": -0.13}
    data["hourly"][4]["uvi"] = math.nan
    data["hourly"][6]["weather"][0]["id"] = 999  # no such condition: the amount still counts
    data["hourly"][7]["pop"] = 7.0  # 700 %
    data["daily"][1]["sunrise"] = 0  # OWM's polar-night placeholder
    data["daily"][2]["sunset"] = math.inf
    data["daily"][3]["uvi"] = -1
    forecast = owm.parse_onecall(data, NEW_YORK)
    hours = forecast.hourly
    assert hours[3].precipitation_mm is None and hours[3].precipitation_kinds == ("snow",)
    assert hours[4].uv_index is None
    assert hours[6].precipitation_kinds == ("snow",) and hours[6].precipitation_mm == 0.19
    assert hours[7].precipitation_probability_pct is None
    assert forecast.daily[1].sunrise is None and forecast.daily[1].daylight_s is None
    assert forecast.daily[1].sunset is not None
    assert forecast.daily[2].sunset is None and forecast.daily[3].uv_index_max is None
    notes = " | ".join(forecast.notes)
    assert "an hourly precipitation amount on 2026-02-06" in notes
    assert "an hourly UV index" in notes and "the UV index on 2026-02-09" in notes
    assert len(forecast.notes) == 4
