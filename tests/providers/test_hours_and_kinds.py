"""What falls, hours and sun from Open-Meteo's recorded responses, and the words for UV/AQI."""

from __future__ import annotations

import copy
import math
from datetime import date

from tests.fakes.weather_server import london_forecast, nyc_forecast
from weatherbot.providers.models import Place
from weatherbot.providers.open_meteo import parse_forecast
from weatherbot.providers.precipitation import hourly_kinds, kinds
from weatherbot.tools.sky import european_aqi_category, moon_phase, us_aqi_category, uv_category

LONDON = Place("London", 51.5085, -0.1257, "Europe/London", "England", "United Kingdom", "GB")
NYC = Place("New York", 40.7143, -74.006, "America/New_York", "New York", "United States", "US")


def test_kinds_from_codes_and_amounts() -> None:
    assert kinds(code=73) == ("snow",)
    assert kinds(code=3) == ()
    assert kinds(rain_mm=0.05) == ()  # a trace is not rain anyone sees
    assert kinds(code=61, snowfall_cm=2.0) == ("rain", "snow")
    assert kinds(code=96) == ("rain", "hail")
    assert kinds(code=66) == ("freezing_rain",)
    assert kinds(showers_mm=3.0, rain_mm=0.5) == ("showers", "rain")
    assert hourly_kinds(rain_mm=0.4, snowfall_cm=0.3) == ("sleet",)
    assert hourly_kinds(code=71, snowfall_cm=0.3) == ("snow",)


def test_nyc_recording_hours_and_snow_day() -> None:
    forecast = parse_forecast(nyc_forecast(), NYC, "Open-Meteo")
    assert len(forecast.hourly) == 168 and forecast.horizon_days == 16
    first = forecast.hourly[0]
    assert first.time.isoformat() == "2026-02-06T00:00:00-05:00" and first.temperature_c == -7.1
    assert first.description == "clear sky"
    snow_day = forecast.day(date(2026, 2, 7))
    assert snow_day is not None and snow_day.precipitation_kinds == ("snow",)
    assert snow_day.sunrise is not None and snow_day.sunrise.strftime("%H:%M") == "06:59"
    assert snow_day.sunset is not None and snow_day.sunset.strftime("%H:%M") == "17:20"


def test_london_hours_in_fahrenheit_and_inches_become_metric() -> None:
    data = london_forecast()
    forecast = parse_forecast(data, LONDON, "Open-Meteo")
    first = forecast.hourly[0]
    assert first.time.isoformat() == "2026-05-11T23:00:00+01:00"
    assert math.isclose(first.temperature_c or 0, (47.5 - 32) * 5 / 9)
    assert first.snowfall_cm == 0.0 and first.precipitation_probability_pct == 0
    noon = next(h for h in forecast.hourly if h.time.isoformat().startswith("2026-05-12T12"))
    assert noon.uv_index == 4.65
    day = forecast.day(date(2026, 5, 12))
    assert day is not None and day.uv_index_max == 4.65 and day.snowfall_cm == 0.0
    # snowfall_sum in inches, as recorded with precipitation_unit=inch: 1 inch is 2.54 cm.
    data["daily"]["snowfall_sum"] = [1.0, *data["daily"]["snowfall_sum"][1:]]
    snowy = parse_forecast(data, LONDON, "Open-Meteo").day(date(2026, 5, 11))
    assert snowy is not None and snowy.snowfall_cm == 2.54


def test_hostile_hourly_values_are_dropped_and_noted() -> None:
    data = copy.deepcopy(nyc_forecast())
    data["hourly"]["temperature_2m"][0] = float("nan")
    data["hourly"]["precipitation"][1] = -4.0
    data["daily"]["sunrise"][0] = None
    data["daily"]["sunset"][1] = "not a time"
    forecast = parse_forecast(data, NYC, "Open-Meteo")
    assert forecast.hourly[0].temperature_c is None
    assert forecast.hourly[1].precipitation_mm is None
    assert forecast.daily[0].sunrise is None and forecast.daily[1].sunset is None
    assert any("hourly temperature" in note for note in forecast.notes)
    assert any("hourly precipitation amount" in note for note in forecast.notes)


def test_polar_night_has_no_sun_times() -> None:
    data = copy.deepcopy(nyc_forecast())
    data["daily"]["daylight_duration"] = [0.0] * len(data["daily"]["time"])
    day = parse_forecast(data, NYC, "Open-Meteo").daily[0]
    assert day.daylight_s == 0 and day.sunrise is None and day.sunset is None


def test_words_for_uv_and_air() -> None:
    assert [uv_category(v) for v in (0.4, 2.6, 5.4, 7.0, 10.4, 12.4)] == [
        "low", "moderate", "moderate", "high", "very high", "extreme",
    ]  # fmt: skip
    assert uv_category(None) is None
    assert [us_aqi_category(v) for v in (12, 51, 101, 151, 201, 301)] == [
        "good", "moderate", "unhealthy for sensitive groups", "unhealthy", "very unhealthy",
        "hazardous",
    ]  # fmt: skip
    assert [european_aqi_category(v) for v in (10, 30, 50, 70, 90, 130)] == [
        "good", "fair", "moderate", "poor", "very poor", "extremely poor",
    ]  # fmt: skip


def test_moon_phases_match_the_almanac() -> None:
    # Full moons of 2026-11-24 and 2026-12-24, new moon 2026-12-09 (published dates).
    assert moon_phase(date(2026, 11, 24)) == ("full moon", 100)
    assert moon_phase(date(2026, 12, 24))[0] == "full moon"
    assert moon_phase(date(2026, 12, 9))[0] == "new moon"
    assert moon_phase(date(2026, 12, 16))[0] == "first quarter"
