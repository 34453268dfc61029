"""Open-Meteo geocoding and forecast against recorded real responses served over loopback."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest

from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather, london_forecast
from weatherbot.errors import ProviderError
from weatherbot.providers.cache import DiskCache
from weatherbot.providers.geocoding import OpenMeteoGeocoder, choose, rank
from weatherbot.providers.http import HttpClient
from weatherbot.providers.models import Place
from weatherbot.providers.open_meteo import OpenMeteoProvider, parse_forecast
from weatherbot.providers.registry import build_service
from weatherbot.settings import load_settings
from weatherbot.tools.execute import ToolCall, run_tool_calls
from weatherbot.tools.weather import ToolContext, default_registry

LONDON = Place("London", 51.50853, -0.12574, "Europe/London", "England", "United Kingdom", "GB")


def geocoder(fake: FakeWeather, sleeps: list[float] | None = None) -> OpenMeteoGeocoder:
    http = HttpClient("Open-Meteo", None, sleep=(sleeps if sleeps is not None else []).append)
    return OpenMeteoGeocoder(http, fake.base_url)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("San Francisco", "San Francisco, California, United States"),
        ("San Francisco, CA", "San Francisco, California, United States"),
        ("London", "London, England, United Kingdom"),
        ("London, UK", "London, England, United Kingdom"),  # the server ignores the qualifier
        ("London, Ontario", "London, Ontario, Canada"),
        ("Enschede", "Enschede, Overijssel, The Netherlands"),  # the airport is skipped
        ("New York, NY", "New York, United States"),
        ("伦敦", "London, England, United Kingdom"),
    ],
)
def test_geocoding_resolves_as_a_person_expects(
    fake_weather: FakeWeather, query: str, expected: str
) -> None:
    assert geocoder(fake_weather).resolve(query).display_name == expected


def test_unknown_place_is_not_found(fake_weather: FakeWeather) -> None:
    with pytest.raises(ProviderError) as info:
        geocoder(fake_weather).resolve("Atlantis")
    assert info.value.code == "not_found" and "Atlantis" in info.value.message


def test_qualifier_that_filters_everything_out_is_not_found(fake_weather: FakeWeather) -> None:
    with pytest.raises(ProviderError) as info:
        geocoder(fake_weather).resolve("San Francisco, TX")
    assert info.value.code == "not_found"


def test_comparable_candidates_are_ambiguous() -> None:
    springfields = [
        Place(
            "Springfield",
            39.8,
            -89.6,
            "America/Chicago",
            "Illinois",
            "United States",
            "US",
            116250,
            "PPLA",
        ),
        Place(
            "Springfield",
            37.2,
            -93.3,
            "America/Chicago",
            "Missouri",
            "United States",
            "US",
            169176,
            "PPLA2",
        ),
        Place(
            "Springfield",
            42.1,
            -72.6,
            "America/New_York",
            "Massachusetts",
            "United States",
            "US",
            155929,
            "PPLA2",
        ),
    ]
    with pytest.raises(ProviderError) as info:
        choose("Springfield", rank(springfields, None), None)
    assert info.value.code == "ambiguous"
    assert info.value.candidates[0] == "Springfield, Missouri, United States"
    assert len(info.value.candidates) == 3


def test_missing_optional_fields_do_not_crash() -> None:
    data = json.loads(
        (
            Path(__file__).parent.parent
            / "data/weather/search_missing_optional_fields_python-open-meteo.json"
        ).read_text()
    )
    from weatherbot.providers.geocoding import _place

    places = [_place(r) for r in data["results"]]
    assert all(p.country is None or isinstance(p.country, str) for p in places)
    assert places[0].display_name


def test_fahrenheit_recording_is_normalised_to_celsius() -> None:
    forecast = parse_forecast(london_forecast(), LONDON, "Open-Meteo")
    assert forecast.current is not None
    assert forecast.current.temperature_c == pytest.approx((46.9 - 32) * 5 / 9)
    assert forecast.today == date(2026, 5, 11)  # the location's local date, not UTC's
    today = forecast.day(forecast.today)
    assert today is not None and today.precipitation_probability_pct == 57
    assert today.temperature_max_c == pytest.approx((53.4 - 32) * 5 / 9)
    assert forecast.current.description == "clear sky"
    assert forecast.current.wind_speed_ms == pytest.approx(4.5 * 0.44704)


def test_provider_requests_timezone_auto_and_metric(fake_weather: FakeWeather) -> None:
    http = HttpClient("Open-Meteo", None, sleep=[].append)
    forecast = OpenMeteoProvider(http, fake_weather.base_url).forecast(LONDON)
    request = fake_weather.server.requests[-1]
    assert request.query["timezone"] == "auto"
    assert "precipitation_probability_max" in request.query["daily"]
    assert request.headers["user-agent"].startswith("weatherbot/")
    assert forecast.timezone == "Europe/London"


def test_retries_5xx_then_succeeds_without_sleeping(fake_weather: FakeWeather) -> None:
    sleeps: list[float] = []
    fake_weather.server.inject(
        "GET", "/v1/forecast", Response(503, {"error": True, "reason": "busy"}), times=2
    )
    http = HttpClient("Open-Meteo", None, sleep=sleeps.append)
    OpenMeteoProvider(http, fake_weather.base_url).forecast(LONDON)
    assert sleeps == [0.5, 1.0]
    assert fake_weather.forecasts() == 3


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (
            Response(
                429,
                {"error": True, "reason": "Minutely API request limit exceeded"},
                headers={"Retry-After": "2"},
            ),
            "rate_limited",
        ),
        (Response(500, {"error": True, "reason": "boom"}), "upstream_error"),
        (
            Response(
                400,
                {"error": True, "reason": "Latitude must be in range of -90 to 90°. Given: 200.0."},
            ),
            "bad_request",
        ),
        (Response(200, raw=b"{not json"), "bad_data"),
    ],
)
def test_errors_map_to_codes(fake_weather: FakeWeather, response: Response, code: str) -> None:
    sleeps: list[float] = []
    fake_weather.server.inject("GET", "/v1/forecast", response, times=3)
    http = HttpClient("Open-Meteo", None, sleep=sleeps.append)
    with pytest.raises(ProviderError) as info:
        OpenMeteoProvider(http, fake_weather.base_url).forecast(LONDON)
    assert info.value.code == code
    if code == "rate_limited":
        assert sleeps == [2.0, 2.0]
    if code == "bad_request":
        assert "Latitude must be in range" in info.value.message


def test_cache_hit_miss_ttl_and_refresh(tmp_path: Path, fake_weather: FakeWeather) -> None:
    now = [1000.0]
    cache = DiskCache(tmp_path / "cache", clock=lambda: now[0])
    provider = OpenMeteoProvider(
        HttpClient("Open-Meteo", cache, sleep=[].append), fake_weather.base_url
    )
    assert provider.forecast(LONDON).cache_age_s is None
    now[0] += 240
    assert provider.forecast(LONDON).cache_age_s == pytest.approx(240)
    assert fake_weather.forecasts() == 1
    now[0] += 600
    provider.forecast(LONDON)
    assert fake_weather.forecasts() == 2  # expired after 10 minutes
    refreshing = OpenMeteoProvider(
        HttpClient("Open-Meteo", cache, refresh=True, sleep=[].append), fake_weather.base_url
    )
    refreshing.forecast(LONDON)
    assert fake_weather.forecasts() == 3
    (next((tmp_path / "cache").glob("*.json"))).write_text("{corrupt")
    provider.forecast(LONDON)  # a corrupt entry is a miss, not a crash


def test_seed_question_costs_one_geocode_and_one_forecast(fake_weather: FakeWeather) -> None:
    settings = load_settings()
    ctx = ToolContext(build_service(settings))
    calls = [
        ToolCall(
            "a",
            "get_current_temperature",
            '{"location": "San Francisco, CA", "unit": "Fahrenheit"}',
        ),
        ToolCall("b", "get_rain_probability", '{"location": "San Francisco, CA"}'),
    ]
    gen = run_tool_calls(calls, default_registry(), ctx)
    results = None
    while results is None:
        try:
            next(gen)
        except StopIteration as stop:
            results = stop.value
    temp, rain = (json.loads(r.output) for r in results)
    assert (
        temp["temperature"] == 57.2
        and temp["location"] == "San Francisco, California, United States"
    )
    assert rain["probability_percent"] == 20
    assert fake_weather.searches() == 1 and fake_weather.forecasts() == 1
    # A second question on a warm cache makes no request at all.
    ctx2 = ToolContext(build_service(settings))
    ctx2.weather.forecast(ctx2.weather.resolve("San Francisco, CA"))
    assert fake_weather.searches() == 1 and fake_weather.forecasts() == 1


def test_failover_to_next_provider_then_honest_no_data(fake_weather: FakeWeather) -> None:
    from weatherbot.providers.service import WeatherService

    class Down:
        name, title = "down", "Down"

        def forecast(self, place: Place) -> object:
            raise ProviderError("unavailable", "cannot reach Down")

    http = HttpClient("Open-Meteo", None, sleep=[].append)
    good = OpenMeteoProvider(http, fake_weather.base_url)
    service = WeatherService(geocoder(fake_weather), [Down(), good])  # type: ignore[list-item]
    forecast = service.forecast(LONDON)
    assert forecast.source == "Open-Meteo" and "after Down" in forecast.notes[0]
    dead = WeatherService(geocoder(fake_weather), [Down(), Down()])  # type: ignore[list-item]
    with pytest.raises(ProviderError, match="no weather data"):
        dead.forecast(LONDON)


def test_concurrent_identical_requests_are_made_once(fake_weather: FakeWeather) -> None:
    service = build_service(load_settings())
    errors: list[BaseException] = []

    def work() -> None:
        try:
            service.forecast(service.resolve("London"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert fake_weather.searches() == 1 and fake_weather.forecasts() == 1
