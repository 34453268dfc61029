"""The sample provider: recorded data for London, New York and Oslo, and never a socket."""

from __future__ import annotations

import socket

import pytest

from weatherbot.errors import ProviderError
from weatherbot.providers.registry import build_service
from weatherbot.settings import load_settings


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sample provider opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_sockets")
@pytest.mark.parametrize(
    ("query", "name", "temperature", "probability", "day"),
    [
        ("London", "London, England, United Kingdom", (46.9 - 32) * 5 / 9, 57, "2026-05-11"),
        ("New York, NY", "New York, United States", -0.27, 100, "2026-02-06"),
        ("纽约", "New York, United States", -0.27, 100, "2026-02-06"),
        ("Oslo", "Oslo, Norway", -5.8, None, "2026-02-06"),
    ],
)
def test_covered_places(
    query: str, name: str, temperature: float, probability: int | None, day: str
) -> None:
    service = build_service(load_settings(provider="sample"))
    place = service.resolve(query)
    forecast = service.forecast(place)
    assert place.display_name == name
    assert forecast.current is not None
    assert forecast.current.temperature_c == pytest.approx(temperature)
    today = forecast.day(forecast.today)
    assert today is not None
    assert today.precipitation_probability_pct == probability
    assert forecast.sample_date == day and "recorded sample" in forecast.source


@pytest.mark.usefixtures("no_sockets")
def test_other_places_list_what_is_covered() -> None:
    service = build_service(load_settings(provider="sample"))
    with pytest.raises(ProviderError) as info:
        service.resolve("Tokyo")
    assert info.value.code == "not_covered"
    assert "London, New York and Oslo" in info.value.message
