"""The sample provider: recorded data for London, New York and Oslo, and never a socket."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from weatherbot.errors import ProviderError
from weatherbot.providers import http
from weatherbot.providers.registry import build_service
from weatherbot.providers.service import WeatherService
from weatherbot.settings import load_settings


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sample provider opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def service(no_sockets: None) -> Iterator[WeatherService]:
    clients_before = dict(http._clients)
    yield build_service(load_settings(provider="sample"))
    assert http._clients == clients_before  # no HTTP client was created either


@pytest.mark.parametrize(
    ("query", "name", "temperature", "probability", "day", "source"),
    [
        ("London", "London, England, United Kingdom", 8.28, 57, "2026-05-11", "Open-Meteo"),
        ("London, UK", "London, England, United Kingdom", 8.28, 57, "2026-05-11", "Open-Meteo"),
        ("伦敦", "London, England, United Kingdom", 8.28, 57, "2026-05-11", "Open-Meteo"),
        ("New York, NY", "New York, United States", -0.27, 100, "2026-02-06", "OpenWeatherMap"),
        ("NYC", "New York, United States", -0.27, 100, "2026-02-06", "OpenWeatherMap"),
        ("纽约", "New York, United States", -0.27, 100, "2026-02-06", "OpenWeatherMap"),
        ("Oslo", "Oslo, Norway", -5.8, None, "2026-02-06", "MET Norway"),
        ("奥斯陆", "Oslo, Norway", -5.8, None, "2026-02-06", "MET Norway"),
    ],
)
def test_covered_places(
    service: WeatherService,
    query: str,
    name: str,
    temperature: float,
    probability: int | None,
    day: str,
    source: str,
) -> None:
    place = service.resolve(query)
    forecast = service.forecast(place)
    assert place.display_name == name
    assert forecast.current is not None
    assert forecast.current.temperature_c == pytest.approx(temperature, abs=0.005)
    assert forecast.current.time.tzinfo is not None
    today = forecast.day(forecast.today)
    assert today is not None
    assert today.precipitation_probability_pct == probability
    assert forecast.sample_date == day == forecast.today.isoformat()
    assert forecast.source == f"{source} (recorded sample, {day})"


def test_oslo_description_reads_as_words(service: WeatherService) -> None:
    forecast = service.forecast(service.resolve("Oslo"))
    assert forecast.current is not None and forecast.current.description
    assert "_" not in forecast.current.description


@pytest.mark.parametrize("query", ["Tokyo", "London, Ontario", "48.85,2.35"])
def test_other_places_are_not_covered(service: WeatherService, query: str) -> None:
    with pytest.raises(ProviderError) as info:
        service.resolve(query)
    assert info.value.code == "not_covered"
    assert info.value.message == "the offline sample only covers London, New York and Oslo"
    assert info.value.hint == "drop --offline to use live data"


def test_hours_and_sun_times_come_through_where_recorded(service: WeatherService) -> None:
    new_york = service.forecast(service.resolve("New York"))
    assert len(new_york.hourly) == 48 and new_york.horizon_days == 8
    assert new_york.hourly[3].precipitation_kinds == ("snow",)
    sunrise = new_york.daily[0].sunrise
    assert sunrise is not None and sunrise.isoformat() == "2026-02-06T07:00:57-05:00"
    oslo = service.forecast(service.resolve("Oslo"))
    assert len(oslo.hourly) == 51 and oslo.hourly[0].precipitation_kinds == ("snow",)
    assert oslo.daily[0].sunrise is None  # MET's Sunrise API is not part of the recording
    london = service.forecast(service.resolve("London"))
    # The current-conditions recording has today's sun times and UV; the week's has UV only.
    today, tomorrow = london.daily[0], london.daily[1]
    assert today.sunrise is not None and today.sunset is not None
    assert (today.sunrise.isoformat(), today.sunset.isoformat()) == (
        "2026-05-11T05:14:00+01:00", "2026-05-11T20:39:00+01:00",
    )  # fmt: skip
    assert today.uv_index_max == 2.15 and tomorrow.uv_index_max == 4.65
    assert tomorrow.sunrise is None and tomorrow.sunset is None
    # Neither London recording has hourly rows: no hours, not invented ones.
    assert london.hourly == () and london.horizon_days == 16
