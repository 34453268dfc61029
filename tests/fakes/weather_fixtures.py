"""The `fake_weather` pytest fixture: a running fake Open-Meteo with the env pointing at it.

Use it by importing the fixture into a test module (or listing this module in
`pytest_plugins`):

    from tests.fakes.weather_fixtures import FakeWeather, fake_weather  # noqa: F401

    def test_seed(fake_weather: FakeWeather) -> None:
        ...  # load_settings() now sends Open-Meteo requests to the fake
        assert fake_weather.searches() == 1 and fake_weather.forecasts() == 1

The fixture itself lives in tests.fakes.weather_server (which tests/conftest.py registers as a
plugin), so both import paths give the same fixture.
"""

from __future__ import annotations

from tests.fakes.weather_server import FakeWeather, fake_weather

__all__ = ["FakeWeather", "fake_weather"]
