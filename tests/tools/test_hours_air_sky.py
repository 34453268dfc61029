"""The hourly, air-quality and sky tools over real HTTP against the fake Open-Meteo.

London is the 2026-05-11 recording (23:30 local, hourly from 23:00 for 24 hours, °F and inch
as recorded); Paris, Oslo, Sydney, Tokyo and Delhi are the fake's labelled TEST VALUES.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.weather_server import FakeWeather
from weatherbot.providers.registry import build_service
from weatherbot.settings import Settings
from weatherbot.tools.execute import ToolCall, ToolResult, run_tool_calls
from weatherbot.tools.weather import ToolContext, default_registry


def _settings(fake: FakeWeather, home: Path, **extra: Any) -> Settings:
    return Settings(
        home=home,
        open_meteo_url=fake.base_url,
        open_meteo_geocoding_url=fake.base_url,
        open_meteo_air_quality_url=fake.base_url,
        **extra,
    )


def call(settings: Settings, name: str, **arguments: Any) -> dict[str, Any]:
    """One tool call through the executor (validation and error outputs included)."""
    ctx = ToolContext(build_service(settings))
    events = run_tool_calls([ToolCall("c1", name, arguments)], default_registry(), ctx)
    try:
        while True:
            next(events)
    except StopIteration as stop:
        results: list[ToolResult] = stop.value
    value: dict[str, Any] = json.loads(results[0].output)
    return value


@pytest.fixture
def settings(fake_weather: FakeWeather, tmp_path: Path) -> Settings:
    return _settings(fake_weather, tmp_path)


def test_rain_stops_at_four_in_paris(settings: Settings) -> None:
    out = call(settings, "get_hourly_forecast", location="Paris, France", hours=24)
    summary = out["summary"]
    assert out["local_time"] == "2026-12-07T13:15+01:00"
    assert out["start"] == "2026-12-07T13:00+01:00" and len(out["hours"]) == 24
    assert summary["wet_at_start"] is True and summary["starts_at"] is None
    assert summary["stops_at"] == "2026-12-07T16:00+01:00"
    assert summary["wet_hours"] == 3 and summary["precipitation_types"] == ["rain"]
    assert summary["precipitation_total"] == 3.6
    assert out["hours"][0]["precipitation_types"] == ["rain"]
    assert out["hours"][3]["precipitation_types"] == []


def test_rain_that_starts_later_and_does_not_stop_in_the_window(settings: Settings) -> None:
    # Day 12 rains from 10:00 to 14:00: a window from 09:00 for 3 hours sees it start only.
    out = call(
        settings, "get_hourly_forecast", location="Paris, France", day="2026-12-19",
        start_time="09:00", hours=3,
    )  # fmt: skip
    assert out["part"] == "from 09:00"
    assert out["summary"]["starts_at"] == "2026-12-19T10:00+01:00"
    assert out["summary"]["stops_at"] is None and out["summary"]["wet_at_start"] is False


def test_an_afternoon_already_over_is_tomorrows(settings: Settings) -> None:
    out = call(settings, "get_hourly_forecast", location="London", part="afternoon")
    assert out["date"] == "2026-05-12"
    assert out["start"] == "2026-05-12T12:00+01:00" and out["end"] == "2026-05-12T18:00+01:00"
    assert "over there (local time 23:30)" in out["window_note"]
    # The recording has probabilities but no amounts: a 7% hour is not a wet one.
    summary = out["summary"]
    assert summary["precipitation_probability_max_percent"] == 7
    assert summary["most_likely_at"] == "2026-05-12T17:00+01:00" and summary["wet_hours"] == 0
    # 61.9 °F as recorded, in Celsius, and UV straight from the recording.
    assert summary["temperature_max"] == 16.6 and summary["uv_index_max"] == 4.7


def test_a_time_already_past_is_tomorrows(settings: Settings) -> None:
    # "At 6 pm" asked at 23:30 London time: tomorrow's 18:00 (the recording's last hours).
    out = call(settings, "get_hourly_forecast", location="London", start_time="18:00")
    assert out["start"] == "2026-05-12T18:00+01:00" and out["date"] == "2026-05-12"
    assert out["window_note"] == "18:00 is past there (local time 23:30): these are tomorrow's"
    assert [h["precipitation_probability_percent"] for h in out["hours"]] == [11, 12, 9]


def test_tonight_runs_until_the_next_morning(settings: Settings) -> None:
    out = call(settings, "get_hourly_forecast", location="Tokyo", part="tonight")
    assert out["start"] == "2026-12-07T18:00+09:00" and out["end"] == "2026-12-08T06:00+09:00"
    assert len(out["hours"]) == 12 and out["hours"][0]["is_day"] is False


def test_hourly_argument_errors_are_outputs(settings: Settings) -> None:
    bad_day = call(settings, "get_hourly_forecast", location="Paris, France", day="someday")
    assert bad_day["error"] == "invalid_arguments" and "YYYY-MM-DD" in bad_day["message"]
    bad_time = call(settings, "get_hourly_forecast", location="Paris, France", start_time="6pm")
    assert bad_time["error"] == "invalid_arguments" and "HH:MM" in bad_time["message"]
    far = call(settings, "get_hourly_forecast", location="London", day="2026-06-30")
    assert far["error"] == "out_of_range" and "2026-05-12" in far["message"]


def test_snow_in_oslo_is_snow_with_its_depth(settings: Settings) -> None:
    out = call(settings, "get_forecast", location="Oslo, Norway", days=4)
    days = out["days"]
    assert [d["precipitation_types"] for d in days] == [[], ["snow"], ["snow"], ["snow"]]
    assert days[2]["snowfall"] == 12.0 and out["snowfall_unit"] == "cm"
    assert days[2]["description"] == "moderate snow"
    imperial = call(settings, "get_forecast", location="Oslo, Norway", days=3, unit="Fahrenheit")
    # Automatic units follow the temperature: inches of snow beside Fahrenheit.
    assert imperial["snowfall_unit"] == "inch" and imperial["days"][2]["snowfall"] == 4.7


def test_imperial_precipitation_shows_snow_in_inches(
    fake_weather: FakeWeather, tmp_path: Path
) -> None:
    settings = _settings(fake_weather, tmp_path, precipitation_unit="inch")
    out = call(settings, "get_forecast", location="Oslo, Norway", days=3)
    assert out["snowfall_unit"] == "inch" and out["days"][2]["snowfall"] == 4.7  # 12 cm


def test_sun_uv_and_moon(settings: Settings) -> None:
    tokyo = call(settings, "get_forecast", location="Tokyo", days=1)["days"][0]
    assert (
        tokyo["sunset"] == "2026-12-07T16:28+09:00" and tokyo["sunrise"] == "2026-12-07T06:38+09:00"
    )
    assert tokyo["daylight_hours"] == 9.8
    # 2026-12-09 is a new moon, 2026-12-24 a full one.
    assert tokyo["moon_phase"] == "waning crescent"
    sydney = call(settings, "get_forecast", location="Sydney, Australia", days=2)["days"]
    assert [d["uv_index_max"] for d in sydney] == [11.0, 12.4]
    assert [d["uv_category"] for d in sydney] == ["extreme", "extreme"]


def test_sixteen_days_and_beyond(settings: Settings) -> None:
    out = call(settings, "get_forecast", location="Paris, France", days=16)
    assert len(out["days"]) == 16 and out["horizon_days"] == 16 and "message" not in out
    assert out["days"][12]["high"] == 9.0 and out["days"][12]["low"] == 4.0
    beyond = call(settings, "get_forecast", location="Paris, France", days=30)
    assert len(beyond["days"]) == 16
    assert beyond["message"] == "no forecast covers 30 days (16 at most); Open-Meteo gives 16"
    week = call(settings, "get_forecast", location="London", days=10)
    assert week["message"] == "Open-Meteo covers 7 of the 10 days asked for"


def test_rain_probability_says_what_falls(settings: Settings) -> None:
    out = call(settings, "get_rain_probability", location="Paris, France")
    assert out["probability_percent"] == 85 and out["precipitation_types"] == ["rain"]


def test_air_in_delhi(settings: Settings, fake_weather: FakeWeather) -> None:
    out = call(settings, "get_air_quality", location="Delhi, India")
    assert out["us_aqi"] == 212 and out["us_aqi_category"] == "very unhealthy"
    assert out["european_aqi_category"] == "extremely poor" and out["pm2_5"] == 148.3
    assert out["pollen"] is None and "Europe only" in out["message"]
    assert out["time"] == "2026-12-07T13:00+05:30" and len(out["days"]) == 5
    assert out["days"][0]["us_aqi_max"] == 254
    request = fake_weather.server.requests[-1]
    assert request.path == "/v1/air-quality" and request.query["timezone"] == "auto"


def test_air_in_paris_has_pollen(settings: Settings) -> None:
    out = call(settings, "get_air_quality", location="Paris, France")
    assert out["us_aqi_category"] == "good" and out["european_aqi_category"] == "fair"
    assert out["pollen"]["grass"] == 0.4 and "message" not in out


def test_air_quality_outage_and_garbage(settings: Settings, fake_weather: FakeWeather) -> None:
    fake_weather.fail("/v1/air-quality", 400, reason="Latitude must be in range")
    out = call(settings, "get_air_quality", location="Delhi, India")
    assert out["error"] and "Latitude must be in range" in out["message"]
    fake_weather.malformed("/v1/air-quality")
    garbage = call(settings, "get_air_quality", location="Delhi, India")
    assert garbage["error"] in ("bad_data", "upstream_error"), garbage


def test_the_offline_sample_has_no_air_quality(tmp_path: Path) -> None:
    out = call(Settings(home=tmp_path, provider="sample"), "get_air_quality", location="London")
    assert out["error"] == "not_available"
    assert out["message"] == (
        "the recorded sample has no air-quality data; without --offline it comes from Open-Meteo"
    )


def test_unknown_variables_are_refused_like_the_real_server(
    fake_weather: FakeWeather, settings: Settings
) -> None:
    import httpx2

    # The guard itself: a misspelt variable is a 400 with Open-Meteo's reason, as for real...
    refused = httpx2.get(
        fake_weather.base_url + "/v1/forecast",
        params={"latitude": "48.8534", "longitude": "2.3488", "daily": "tempeture_2m_max"},
    )
    assert refused.status_code == 400
    assert refused.json()["reason"] == (
        "Cannot initialize WeatherVariable from invalid String value tempeture_2m_max for key daily"
    )
    # ...so every variable the provider asks for is one Open-Meteo has.
    out = call(settings, "get_forecast", location="Paris, France", days=1)
    assert "error" not in out
    asked = [r for r in fake_weather.server.requests if r.path == "/v1/forecast"][-1]
    assert "uv_index_max" in asked.query["daily"]
    air = call(settings, "get_air_quality", location="Paris, France")
    assert "error" not in air


def test_impossible_air_readings_are_left_out_and_said(
    settings: Settings, fake_weather: FakeWeather
) -> None:
    from tests.fakes import weather_synthetic
    from tests.fakes.server import Response

    body = weather_synthetic.air_quality("delhi")
    body["current"].update(us_aqi=-40, pm2_5=1e9, ozone=float("nan"))
    fake_weather.server.inject("GET", "/v1/air-quality", Response(body=body), 1)
    out = call(settings, "get_air_quality", location="Delhi, India")
    assert out["us_aqi"] is None and out["us_aqi_category"] is None and out["pm2_5"] is None
    assert out["pm10"] == 231.0 and out["european_aqi"] == 118
    assert out["notes"] == [
        "Open-Meteo Air Quality sent an impossible value for the US AQI; it is left out",
        "Open-Meteo Air Quality sent an impossible value for PM2.5; it is left out",
        "Open-Meteo Air Quality sent an impossible value for ozone; it is left out",
    ]
