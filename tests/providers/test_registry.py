"""build_service: providers by name and entry point, failover, and one request per place."""

from __future__ import annotations

import json
import threading
from importlib.metadata import EntryPoint

import pytest

from tests.fakes.weather_server import FakeWeather
from weatherbot.errors import ConfigError, ProviderError
from weatherbot.providers import registry
from weatherbot.providers.base import Provider
from weatherbot.providers.models import Forecast, Place
from weatherbot.providers.registry import HttpFactory, build_service, provider_names
from weatherbot.providers.service import WeatherService
from weatherbot.settings import Settings, load_settings
from weatherbot.tools.execute import ToolCall, run_tool_calls
from weatherbot.tools.weather import ToolContext, default_registry


class Down:
    """A provider that is always unreachable."""

    name, title = "down", "Down"

    def forecast(self, place: Place) -> Forecast:
        raise ProviderError("unavailable", "cannot reach Down")


def make_down(settings: Settings, http_factory: HttpFactory) -> Provider:
    """An entry-point factory, as a third-party package would ship."""
    assert http_factory("Down").title == "Down"
    return Down()


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = [
        EntryPoint("down", f"{__name__}:make_down", registry.ENTRY_POINT_GROUP),
        EntryPoint("broken", "weatherbot_no_such_module:factory", registry.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(registry, "entry_points", lambda group: eps)


def test_seed_question_costs_one_geocode_and_one_forecast(fake_weather: FakeWeather) -> None:
    settings = load_settings()
    calls = [
        ToolCall("a", "get_current_temperature",
                 '{"location": "San Francisco, CA", "unit": "Fahrenheit"}'),
        ToolCall("b", "get_rain_probability", '{"location": "San Francisco, CA"}'),
    ]  # fmt: skip
    gen = run_tool_calls(calls, default_registry(), ToolContext(build_service(settings)))
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            results = stop.value
            break
    temp, rain = (json.loads(r.output) for r in results)
    assert temp["location"] == "San Francisco, California, United States"
    assert temp["temperature"] == 57.2 and temp["timezone"] == "America/Los_Angeles"
    assert rain["probability_percent"] == 20
    assert fake_weather.searches() == 1 and fake_weather.forecasts() == 1
    # The next question (a new service) is answered from the disk cache.
    service = build_service(settings)
    forecast = service.forecast(service.resolve("San Francisco, CA"))
    assert forecast.cache_age_s is not None
    assert fake_weather.searches() == 1 and fake_weather.forecasts() == 1


def test_concurrent_identical_calls_make_one_request_each(fake_weather: FakeWeather) -> None:
    service = build_service(load_settings())
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def tool_like_call() -> None:
        start.wait()
        try:
            service.forecast(service.resolve("London"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=tool_like_call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert fake_weather.searches() == 1 and fake_weather.forecasts() == 1


def test_provider_errors_name_the_provider(fake_weather: FakeWeather) -> None:
    fake_weather.fail("/v1/forecast", 503, times=3)
    sleeps: list[float] = []
    service = build_service(load_settings(), sleep=sleeps.append)
    with pytest.raises(ProviderError) as info:
        service.forecast(service.resolve("London"))
    assert info.value.code == "upstream_error"
    assert info.value.message.startswith("Open-Meteo failed (HTTP 503)")
    assert sleeps == [0.5, 1.0]


def test_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as info:
        build_service(load_settings(provider="nope"))
    assert "'nope'" in info.value.message
    assert info.value.hint is not None and "open-meteo" in info.value.hint
    assert "sample" in info.value.hint


@pytest.mark.usefixtures("plugins")
def test_entry_point_providers_and_failover(fake_weather: FakeWeather) -> None:
    assert {"open-meteo", "sample", "down", "broken"} <= set(provider_names())
    settings = load_settings(provider="down").with_overrides(fallback_providers=("open-meteo",))
    service = build_service(settings)
    assert [p.name for p in service.providers] == ["down", "open-meteo"]
    forecast = service.forecast(service.resolve("London"))
    assert forecast.source == "Open-Meteo"
    assert forecast.notes == ("used Open-Meteo after Down: cannot reach Down",)


@pytest.mark.usefixtures("plugins")
def test_broken_plugin_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'broken' failed to load"):
        build_service(load_settings(provider="broken"))


def test_sample_provider_ignores_fallbacks() -> None:
    service = build_service(Settings(provider="sample", fallback_providers=("open-meteo",)))
    assert isinstance(service, WeatherService)
    assert [p.name for p in service.providers] == ["sample"]
