"""The shared forecast assembly: zones, steps into local days, descriptions, the NWS night rule."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tests.providers.conftest import recording
from weatherbot.errors import ProviderError
from weatherbot.providers.assembly import (
    Step,
    assemble,
    checked_forecast,
    daily_from_steps,
    local_zone,
)
from weatherbot.providers.models import Current, Day
from weatherbot.providers.nws import parse_forecast as parse_nws
from weatherbot.providers.sample import NEW_YORK, OSLO

OSLO_ZONE = local_zone("Europe/Oslo")


def test_unknown_zone_names() -> None:
    # With the response's offset: that offset, under the name the provider gave.
    with_offset = local_zone("Mars/Olympus", 3600)
    assert with_offset.name == "Mars/Olympus"
    assert with_offset.tz == timezone(timedelta(hours=1))
    # Without one: UTC, and named so, so nobody reads UTC times as local ones.
    assert local_zone("Mars/Olympus") == local_zone("Mars/Olympus", True)
    assert local_zone("Mars/Olympus").name == "UTC"
    # Times that carry their own offset (NWS) are kept as sent.
    kept = local_zone("Mars/Olympus", keep_offsets=True)
    moment = datetime(2026, 1, 20, 18, tzinfo=timezone(timedelta(hours=-5)))
    assert kept.name == "Mars/Olympus" and kept.local(moment) is moment


def test_naive_times_are_utc_and_wall_clock_times_are_local() -> None:
    assert OSLO_ZONE.local(datetime(2026, 2, 6, 23, 30)).isoformat() == "2026-02-07T00:30:00+01:00"
    assert OSLO_ZONE.wall_clock("2026-02-06T23:30").isoformat() == "2026-02-06T23:30:00+01:00"


def test_steps_become_local_days() -> None:
    # TEST VALUES: 23:30 UTC is already the next day in Oslo.
    steps = [
        Step(datetime(2026, 2, 6, 11, tzinfo=UTC), temperature_c=-3.0, precipitation_mm=0.04,
             description="cloudy", description_rank=0.0),
        Step(datetime(2026, 2, 6, 14, tzinfo=UTC), temperature_c=-1.5, precipitation_mm=0.08,
             precipitation_probability_pct=40.0, description="snow", description_rank=3.0),
        Step(datetime(2026, 2, 6, 20, tzinfo=UTC), temperature_c=-6.0,
             precipitation_probability_pct=10.0, description="fog", description_rank=9.0),
        Step(datetime(2026, 2, 6, 23, 30, tzinfo=UTC), temperature_c=-7.0, precipitation_mm=0.0),
    ]  # fmt: skip
    friday, saturday = daily_from_steps(steps, OSLO_ZONE)
    assert friday == Day(date(2026, 2, 6), -1.5, -6.0, 40.0, 0.1, None, "cloudy")
    # No step with a probability: unknown, never 0.
    assert saturday == Day(date(2026, 2, 7), -7.0, -7.0, None, 0.0, None, None)


def test_descriptions_come_from_wmo_codes_when_missing() -> None:
    now = Current(datetime(2026, 2, 6, 20, 30, tzinfo=UTC), 1.0, weather_code=61)
    days = [Day(date(2026, 2, 6), weather_code=3), Day(date(2026, 2, 7), description="own")]
    forecast = assemble(OSLO, "Test", OSLO_ZONE, now=now, days=days)
    assert forecast.current is not None and forecast.current.description == "slight rain"
    assert forecast.current.time.isoformat() == "2026-02-06T21:30:00+01:00"
    assert [d.description for d in forecast.daily] == ["overcast", "own"]
    assert forecast.today == date(2026, 2, 6) and forecast.place.timezone == "Europe/Oslo"


def test_nothing_to_assemble_is_bad_data() -> None:
    with pytest.raises(ProviderError) as info:
        assemble(OSLO, "Test", OSLO_ZONE)
    assert (
        info.value.code == "bad_data" and info.value.message == "Test sent a forecast without data"
    )


@pytest.mark.parametrize("body", [[], "text", {"days": "x"}])
def test_malformed_bodies_are_bad_data(body: object) -> None:
    def parse(data: object) -> object:
        raise KeyError("days")

    with pytest.raises(ProviderError) as info:
        checked_forecast("Test", body, None, parse)  # type: ignore[arg-type]
    assert info.value.message == "Test sent a malformed forecast"


def test_nws_overnight_period_does_not_set_the_days_low() -> None:
    data = copy.deepcopy(recording("gridpoints_OKX_33_35_forecast_2026-01-20.json"))
    # TEST VALUES: an "Overnight" period, as NWS sends when asked between midnight and 6 a.m.
    overnight = {"name": "Overnight", "startTime": "2026-01-20T01:00:00-05:00",
                 "isDaytime": False, "temperature": 10, "temperatureUnit": "F",
                 "probabilityOfPrecipitation": {"value": 20}, "shortForecast": "Cloudy"}  # fmt: skip
    data["properties"]["periods"].insert(0, overnight)
    today = parse_nws(data, NEW_YORK, "America/New_York").daily[0]
    # The low is still tonight's 16 °F; the overnight chance of snow still counts.
    assert (today.temperature_max_c, today.temperature_min_c) == (-5.6, -8.9)
    assert today.precipitation_probability_pct == 20 and today.description == "Sunny"
