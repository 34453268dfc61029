"""NWS on its recordings: points then forecast, US only, °F -> °C, alerts, and the alerts tool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.provider_server import FakeProviders
from tests.fakes.weather_server import FakeWeather
from weatherbot.errors import ProviderError
from weatherbot.providers.cache import DiskCache
from weatherbot.providers.http import HttpClient
from weatherbot.providers.nws import NOT_COVERED, NwsProvider, parse_forecast
from weatherbot.providers.registry import build_service
from weatherbot.providers.sample import LONDON, NEW_YORK
from weatherbot.settings import load_settings
from weatherbot.tools.weather import ToolContext, get_weather_alerts

# TEST VALUES in the recorded NWS alert shape (the only recording has no active alerts).
WINTER_STORM = {
    "type": "FeatureCollection",
    "features": [
        {
            "properties": {
                "event": "Winter Storm Warning",
                "headline": "Winter Storm Warning issued January 24 by NWS Upton NY",
                "severity": "Severe",
                "expires": "2026-01-25T18:00:00-05:00",
            }
        }
    ],
}


@pytest.fixture
def nws(fake_providers: FakeProviders, tmp_path: Path) -> NwsProvider:
    http = HttpClient("US National Weather Service", sleep=lambda s: None)
    return NwsProvider(http, DiskCache(tmp_path / "cache"), fake_providers.base_url)


def test_points_then_forecast_in_local_days(
    nws: NwsProvider, fake_providers: FakeProviders
) -> None:
    forecast = nws.forecast(NEW_YORK)
    # The name stays the geocoded one, never relativeLocation (Hoboken, NJ).
    assert forecast.place.name == "New York" and forecast.timezone == "America/New_York"
    assert forecast.today.isoformat() == "2026-01-20"
    today, wednesday = forecast.daily[0], forecast.daily[1]
    # 22 °F by day and 16 °F tonight.
    assert (today.temperature_max_c, today.temperature_min_c) == (-5.6, -8.9)
    # A recorded 0 % is a real 0, not "unknown".
    assert today.precipitation_probability_pct == 0
    # Wednesday 0 % by day, 10 % at night: the day's maximum.
    assert wednesday.precipitation_probability_pct == 10 and wednesday.description == "Mostly Sunny"
    assert forecast.day(forecast.today.replace(day=25)).precipitation_probability_pct == 55  # type: ignore[union-attr]
    assert forecast.current is None and forecast.alerts == ()
    points = [r for r in fake_providers.server.requests if r.path.startswith("/points/")]
    assert [r.path for r in points] == ["/points/40.7143,-74.0060"]
    assert points[0].headers["accept"] == "application/geo+json"
    alerts = [r for r in fake_providers.server.requests if r.path == "/alerts/active"]
    assert alerts[0].query == {"point": "40.7143,-74.0060"}


def test_points_and_forecast_are_cached(nws: NwsProvider, fake_providers: FakeProviders) -> None:
    nws.forecast(NEW_YORK)
    again = NwsProvider(nws.http, nws.cache, nws.base_url).forecast(NEW_YORK)
    assert again.cache_age_s is not None
    assert fake_providers.count("/points/.*") == 1 and fake_providers.count("/gridpoints/.*") == 1


def test_forecast_without_usable_periods_is_bad_data() -> None:
    # Once an IndexError that escaped as an internal error: no day to take "today" from.
    with pytest.raises(ProviderError) as info:
        parse_forecast({"properties": {"periods": ["not a period"]}}, NEW_YORK, "America/New_York")
    assert info.value.code == "bad_data"


def test_outside_the_us_is_a_clear_error(nws: NwsProvider) -> None:
    with pytest.raises(ProviderError) as info:
        nws.forecast(LONDON)
    assert info.value.code == "not_covered"
    assert info.value.message == NOT_COVERED
    assert info.value.hint == "use --provider open-meteo"


def _alerts_output(query: str) -> dict[str, Any]:
    ctx = ToolContext(build_service(load_settings()))
    return json.loads(json.dumps(get_weather_alerts(ctx, query)))


def test_alerts_tool_for_nws(
    fake_weather: FakeWeather, fake_providers: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEATHERBOT_PROVIDER", "nws")
    quiet = _alerts_output("New York")
    assert quiet["alerts_available"] is True and quiet["alerts"] == []
    assert quiet["message"] == "no active alerts from US National Weather Service"
    assert quiet["location"] == "New York, United States"


def test_alerts_tool_lists_active_alerts(
    fake_weather: FakeWeather, fake_providers: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEATHERBOT_PROVIDER", "nws")
    fake_providers.alerts = WINTER_STORM
    out = _alerts_output("New York")
    assert out["alerts"] == [
        {
            "event": "Winter Storm Warning",
            "headline": "Winter Storm Warning issued January 24 by NWS Upton NY",
            "severity": "Severe",
            "expires": "2026-01-25T18:00:00-05:00",
        }
    ]
    assert out["message"] == "1 active alert from US National Weather Service"


def test_failed_alerts_are_unknown_not_none(
    nws: NwsProvider, fake_providers: FakeProviders
) -> None:
    fake_providers.alerts = {"title": "not a FeatureCollection"}
    forecast = nws.forecast(NEW_YORK)
    assert forecast.alerts is None and forecast.notes == ("active alerts could not be fetched",)


def test_alerts_tool_for_open_meteo_says_not_available(fake_weather: FakeWeather) -> None:
    out = _alerts_output("New York")
    assert out["alerts_available"] is False and out["alerts"] is None
    assert out["message"].startswith("weather alerts are not available from Open-Meteo")
    assert "no active alerts" not in out["message"]
