"""Open-Meteo forecast parsing on recorded responses (°F normalised) and the one request."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fakes.weather_server import FakeWeather, london_forecast
from tests.providers.conftest import recording
from weatherbot.errors import ProviderError
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Place
from weatherbot.providers.open_meteo import OpenMeteoProvider, parse_forecast, to_ms

LONDON = Place("London", 51.50853, -0.12574, "Europe/London", "England", "United Kingdom", "GB")
NYC = Place("New York", 40.71427, -74.00597, "America/New_York", "New York", "United States", "US")


def f_to_c(value: float) -> float:
    return (value - 32) * 5 / 9


def test_fahrenheit_recording_is_normalised_to_metric() -> None:
    forecast = parse_forecast(london_forecast(), LONDON, "Open-Meteo")
    current = forecast.current
    assert current is not None
    assert current.temperature_c == pytest.approx(8.2778, abs=1e-4)  # 46.9 °F
    assert current.apparent_temperature_c == pytest.approx(f_to_c(41.1))
    assert current.wind_speed_ms == pytest.approx(4.5 * 0.44704)  # "mp/h" in the response
    assert current.description == "clear sky"
    assert current.time == datetime(2026, 5, 11, 23, 30, tzinfo=ZoneInfo("Europe/London"))
    assert current.time.utcoffset() is not None
    assert current.time.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]


def test_today_is_the_location_day_with_its_probability() -> None:
    forecast = parse_forecast(london_forecast(), LONDON, "Open-Meteo")
    # Recorded at 22:36 UTC: already the 11th's last half hour in London (BST).
    assert forecast.today == date(2026, 5, 11)
    today = forecast.day(forecast.today)
    assert today is not None
    assert today.precipitation_probability_pct == 57
    assert today.temperature_max_c == pytest.approx(f_to_c(53.4))
    assert len(forecast.daily) == 7
    assert forecast.timezone == "Europe/London"


def test_inches_become_millimetres() -> None:
    data = london_forecast()
    data["daily"]["precipitation_sum"] = [0.5] + [None] * 6
    data["daily_units"]["precipitation_sum"] = "inch"
    forecast = parse_forecast(data, LONDON, "Open-Meteo")
    assert forecast.daily[0].precipitation_mm == pytest.approx(12.7)
    assert forecast.daily[1].precipitation_mm is None


def test_celsius_kmh_recording_and_nulls() -> None:
    data = recording("forecast_current_hourly_daily_nyc_celsius_2026-02-06.json")
    data["daily"]["temperature_2m_max"][1] = None
    forecast = parse_forecast(data, NYC, "Open-Meteo")
    assert forecast.current is not None
    assert forecast.current.temperature_c == -1.4
    assert forecast.current.wind_speed_ms == pytest.approx(4.8 / 3.6)
    assert forecast.current.apparent_temperature_c is None  # not requested in that recording
    assert forecast.today == date(2026, 2, 6)
    assert forecast.daily[1].temperature_max_c is None
    # No probability in this request: None, never 0.
    assert forecast.daily[0].precipitation_probability_pct is None


def test_coordinates_place_takes_the_response_time_zone() -> None:
    place = Place("51.5085,-0.1257", 51.5085, -0.1257, "UTC")
    forecast = parse_forecast(london_forecast(), place, "Open-Meteo")
    assert forecast.place.timezone == "Europe/London" == forecast.timezone


def test_wind_units() -> None:
    assert to_ms(36, "km/h") == pytest.approx(10)
    assert to_ms(10, "m/s") == 10
    assert to_ms(None, "m/s") is None


def test_empty_forecast_is_bad_data() -> None:
    with pytest.raises(ProviderError) as info:
        parse_forecast({"timezone": "Europe/London"}, LONDON, "Open-Meteo")
    assert info.value.code == "bad_data"


def test_one_request_with_timezone_auto_and_metric(
    fake_weather: FakeWeather, http: HttpClient
) -> None:
    forecast = OpenMeteoProvider(http, None, fake_weather.base_url).forecast(LONDON)
    (request,) = fake_weather.server.requests
    assert request.path == "/v1/forecast"
    assert request.query == {
        "latitude": "51.5085",
        "longitude": "-0.1257",
        "current": "temperature_2m,apparent_temperature,relative_humidity_2m,weather_code,"
        "wind_speed_10m",
        "hourly": "temperature_2m,apparent_temperature,precipitation_probability,precipitation,"
        "rain,showers,snowfall,weather_code,wind_speed_10m,uv_index,is_day",
        "daily": "temperature_2m_max,temperature_2m_min,precipitation_probability_max,"
        "precipitation_sum,rain_sum,showers_sum,snowfall_sum,weather_code,sunrise,sunset,"
        "daylight_duration,uv_index_max",
        "timezone": "auto",
        "forecast_days": "16",
        "wind_speed_unit": "ms",
    }
    assert request.headers["user-agent"].startswith("weatherbot/")
    assert forecast.source == "Open-Meteo" and forecast.cache_age_s is None


def test_400_reports_the_reason(fake_weather: FakeWeather, http: HttpClient) -> None:
    reason = recording("error_400_latitude_out_of_range.json")["reason"]
    fake_weather.fail("/v1/forecast", 400, reason=reason)
    with pytest.raises(ProviderError) as info:
        OpenMeteoProvider(http, None, fake_weather.base_url).forecast(LONDON)
    assert info.value.code == "bad_request"
    assert "Latitude must be in range of -90 to 90°. Given: 200.0." in info.value.message
    assert fake_weather.forecasts() == 1  # a 400 is never retried
