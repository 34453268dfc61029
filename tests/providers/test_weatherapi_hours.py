"""WeatherAPI.com: hours, snow, sun times and UV on the London recording (and hand-made snow)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.fakes.provider_server import FakeProviders
from tests.providers.conftest import recording
from weatherbot.providers import weatherapi as wa
from weatherbot.providers.registry import build_service
from weatherbot.providers.sample import LONDON
from weatherbot.settings import load_settings

LONDON_DAY = "forecast_days1_london_2023-04-28.json"


def body() -> dict[str, Any]:
    return recording(LONDON_DAY)  # type: ignore[no-any-return]


def test_day_and_hours_from_the_recording(fake_providers: FakeProviders) -> None:
    forecast = build_service(load_settings(provider="weatherapi")).forecast(LONDON)
    # The horizon is the days asked for (the free plan's 3), not what this body holds (1).
    (request,) = fake_providers.server.requests
    assert request.query["days"] == "3" and forecast.horizon_days == wa.DAYS == 3
    (day,) = forecast.daily
    # astro "05:39 AM" / "08:18 PM" are local (BST) wall clocks on that date.
    assert day.sunrise is not None and day.sunset is not None
    assert day.sunrise.isoformat() == "2023-04-28T05:39:00+01:00"
    assert day.sunset.isoformat() == "2023-04-28T20:18:00+01:00"
    assert day.daylight_s == 14 * 3600 + 39 * 60 and day.uv_index_max == 3.0
    # "Patchy rain possible" (1063), daily_will_it_rain 1; totalsnow_cm 0.0 is a real 0.
    assert day.precipitation_kinds == ("rain",) and day.snowfall_cm == 0.0
    assert day.rain_mm is None  # totalprecip_mm is all of it, not rain alone
    hours = forecast.hourly
    assert len(hours) == 24 and hours[0].time.isoformat() == "2023-04-28T00:00:00+01:00"
    first = hours[0]
    assert (first.temperature_c, first.apparent_temperature_c, first.description) == (
        10.6, 9.7, "Fog",
    )  # fmt: skip
    assert first.wind_speed_ms == pytest.approx(7.9 / 3.6, abs=0.01)
    assert (first.is_day, first.uv_index, first.precipitation_kinds) == (False, 1.0, ())
    # 03:00 is "Fog" but will_it_rain 1, chance_of_rain 78, 0.1 mm: rain by WeatherAPI's flag.
    wet = hours[3]
    assert (wet.precipitation_probability_pct, wet.precipitation_mm) == (78, 0.1)
    assert wet.precipitation_kinds == ("rain",)
    noon = hours[12]
    assert (noon.description, noon.precipitation_kinds) == ("Patchy rain possible", ("rain",))
    assert (noon.uv_index, noon.is_day, noon.precipitation_probability_pct) == (4.0, True, 77)
    # This older recording has no hourly snow_cm: unknown, not 0.
    assert all(h.snowfall_cm is None and h.weather_code is None for h in hours)


def snowy() -> dict[str, Any]:
    """HAND-MADE: the recording turned into a snowy day with the fields it lacks (snow_cm)."""
    data = body()
    entry = data["forecast"]["forecastday"][0]
    entry["day"].update(
        totalsnow_cm=3.4, daily_will_it_snow=1, daily_chance_of_snow=70,
        condition={"text": "Light snow", "code": 1213},
    )  # fmt: skip
    entry["hour"][8].update(
        snow_cm=1.2, chance_of_snow=80, will_it_snow=1, will_it_rain=0, chance_of_rain=0,
        precip_mm=0.9, condition={"text": "Light snow", "code": 1213},
    )  # fmt: skip
    entry["hour"][9].update(
        snow_cm=0.5, chance_of_snow=60, will_it_snow=1, will_it_rain=1, chance_of_rain=65,
        condition={"text": "Light rain", "code": 1183},
    )  # fmt: skip
    entry["astro"].update(sunrise="No sunrise")
    return data


def test_hand_made_snow_is_mapped() -> None:
    forecast = wa.parse_forecast(snowy(), LONDON)
    (day,) = forecast.daily
    assert day.snowfall_cm == 3.4 and day.precipitation_probability_pct == 89
    # The condition's snow first, then the rain and snow flags.
    assert day.precipitation_kinds == ("snow", "rain")
    # No sunrise that day: no time and no daylight made up from the sunset alone.
    assert day.sunrise is None and day.daylight_s is None and day.sunset is not None
    snow_hour, mixed = forecast.hourly[8], forecast.hourly[9]
    assert (snow_hour.snowfall_cm, snow_hour.precipitation_probability_pct) == (1.2, 80)
    assert snow_hour.precipitation_mm == 0.9 and snow_hour.precipitation_kinds == ("snow",)
    # Rain and snow in one hour is sleet.
    assert mixed.precipitation_kinds == ("sleet",) and mixed.precipitation_probability_pct == 65


def test_hostile_hour_and_day_values() -> None:
    data = body()
    entry = data["forecast"]["forecastday"][0]
    # TEST VALUES: broken numbers and strings in the recorded shape.
    entry["day"].update(totalsnow_cm=-2.0, uv=math.nan)
    entry["astro"].update(sunset="25:99 PM")
    entry["hour"][1].update(snow_cm=-1.0, uv=math.inf, is_day=True, chance_of_snow=300)
    entry["hour"][2]["time_epoch"] = math.nan
    entry["hour"][4]["condition"] = {"text": "Hail storm", "code": 9999}
    forecast = wa.parse_forecast(data, LONDON)
    (day,) = forecast.daily
    assert day.snowfall_cm is None and day.uv_index_max is None
    assert day.sunset is None and day.daylight_s is None and day.sunrise is not None
    hours = forecast.hourly
    assert len(hours) == 23  # the hour at NaN seconds is left out
    bad = hours[1]
    assert bad.snowfall_cm is None and bad.uv_index is None
    assert bad.is_day is None and bad.precipitation_probability_pct is None
    assert hours[3].time.isoformat() == "2023-04-28T04:00:00+01:00"
    assert hours[3].precipitation_kinds == () and hours[3].description == "Hail storm"
    notes = " | ".join(forecast.notes)
    for label in ("the snowfall on", "the UV index on", "an hourly snowfall",
                  "an hourly UV index", "an hourly chance of precipitation"):  # fmt: skip
        assert label in notes
    assert len(forecast.notes) == 5
