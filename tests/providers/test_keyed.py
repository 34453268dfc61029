"""OpenWeatherMap and WeatherAPI on their recordings: keys, field choice, units, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes.provider_server import OWM_KEY, WEATHERAPI_KEY, FakeProviders
from tests.providers.conftest import recording
from weatherbot.errors import ConfigError, ExitCode, ProviderError
from weatherbot.providers import openweathermap as owm
from weatherbot.providers import weatherapi as wa
from weatherbot.providers.registry import build_service
from weatherbot.providers.sample import LONDON, NEW_YORK
from weatherbot.settings import load_settings


def test_owm_pop_fraction_becomes_percent(fake_providers: FakeProviders) -> None:
    service = build_service(load_settings(provider="openweathermap"))
    forecast = service.forecast(NEW_YORK)
    assert forecast.source == "OpenWeatherMap" and forecast.timezone == "America/New_York"
    assert forecast.current is not None and forecast.current.temperature_c == -0.27
    assert forecast.current.description == "broken clouds"
    assert [d.precipitation_probability_pct for d in forecast.daily] == [
        100, 100, 0, 0, 0, 100, 0, 0,
    ]  # fmt: skip
    # rain 4.38 + snow 2.17 mm on the sixth day; absent rain/snow is none.
    assert forecast.daily[5].precipitation_mm == 6.55 and forecast.daily[2].precipitation_mm == 0
    (request,) = fake_providers.server.requests
    assert request.query["units"] == "metric" and request.query["appid"] == OWM_KEY


def test_owm_day_without_pop_is_none() -> None:
    data = recording("onecall_3.0_nyc_metric_2026-02-06.json")
    del data["daily"][0]["pop"]
    forecast = owm.parse_onecall(data, NEW_YORK)
    assert forecast.daily[0].precipitation_probability_pct is None


@pytest.mark.parametrize(
    ("provider", "variable"),
    [("openweathermap", "WEATHERBOT_OPENWEATHERMAP_API_KEY"),
     ("weatherapi", "WEATHERBOT_WEATHERAPI_API_KEY")],
)  # fmt: skip
def test_missing_key_is_a_config_error(provider: str, variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_service(load_settings(provider=provider))
    assert info.value.exit_code == ExitCode.USAGE
    assert variable in (info.value.hint or "") and "\n" not in (info.value.hint or "")


@pytest.mark.parametrize(
    ("provider", "variable", "needle"),
    [("openweathermap", "WEATHERBOT_OPENWEATHERMAP_API_KEY", "HTTP 401"),
     ("weatherapi", "WEATHERBOT_WEATHERAPI_API_KEY", "error 2006")],
)  # fmt: skip
def test_wrong_key_is_a_clear_message_without_the_key(
    fake_providers: FakeProviders,
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
    variable: str,
    needle: str,
) -> None:
    monkeypatch.setenv(variable, "wrong-secret-key-1234")
    service = build_service(load_settings(provider=provider))
    with pytest.raises(ProviderError) as info:
        service.forecast(NEW_YORK)
    assert info.value.code == "unauthorized" and needle in info.value.message
    assert variable in (info.value.hint or "")
    text = f"{info.value.message} {info.value.hint} {info.value!r}"
    assert "wrong-secret-key-1234" not in text


def test_keys_never_reach_the_cache_files(fake_providers: FakeProviders, tmp_path: Path) -> None:
    settings = load_settings(provider="openweathermap")
    build_service(settings).forecast(NEW_YORK)
    build_service(settings.with_overrides(provider="weatherapi")).forecast(LONDON)
    files = list(settings.cache_dir.glob("*.json"))
    assert len(files) == 2
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert OWM_KEY not in text and WEATHERAPI_KEY not in text


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (401, {"cod": 401, "message": "Invalid API key."}, "unauthorized"),
        (404, {"cod": "404", "message": "city not found"}, "bad_request"),
        (400, {"cod": "400", "message": "Nothing to geocode"}, "bad_request"),
        (429, {"cod": 429, "message": "Your account is temporary blocked"}, "rate_limited"),
        (200, {"cod": "200", "list": []}, None),
        (200, {"lat": 1.0}, None),
    ],
)
def test_owm_cod_int_or_string(status: int, body: dict[str, Any], code: str | None) -> None:
    error = owm.error_from_body(status, body)
    assert (error.code if error else None) == code


def test_weatherapi_picks_celsius_fields_and_epochs(fake_providers: FakeProviders) -> None:
    forecast = build_service(load_settings(provider="weatherapi")).forecast(LONDON)
    current = forecast.current
    assert current is not None
    # temp_c/feelslike_c, not the _f twins; wind_kph 6.1 as m/s.
    assert (current.temperature_c, current.apparent_temperature_c) == (11.0, 9.8)
    assert current.wind_speed_ms == pytest.approx(6.1 / 3.6, abs=0.01)
    # From last_updated_epoch, not the unpadded "2023-04-28 2:25" string.
    assert current.time.isoformat() == "2023-04-28T02:15:00+01:00"
    assert forecast.today.isoformat() == "2023-04-28"
    (day,) = forecast.daily
    assert (day.temperature_max_c, day.temperature_min_c) == (17.6, 10.6)
    assert day.precipitation_probability_pct == 89 and day.precipitation_mm == 0.4
    assert day.description == "Patchy rain possible"
    (request,) = fake_providers.server.requests
    assert request.query["q"] == "51.5085,-0.1257" and request.query["alerts"] == "yes"
    # The recording has no alerts block: unknown, not "none".
    assert forecast.alerts is None


def test_weatherapi_alerts_are_read() -> None:
    data = recording("forecast_days1_london_2023-04-28.json")
    # TEST VALUES in the documented alerts shape.
    data["alerts"] = {"alert": [{"headline": "Flood Warning", "event": "Flood",
                                 "severity": "Moderate", "expires": "2023-04-29T12:00:00+00:00"}]}  # fmt: skip
    alerts = wa.parse_forecast(data, LONDON).alerts
    assert alerts is not None and [a.event for a in alerts] == ["Flood"]


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [(401, 1002, "unauthorized"), (401, 2006, "unauthorized"), (403, 2007, "rate_limited"),
     (403, 2008, "unauthorized"), (403, 2009, "unauthorized"), (400, 1006, "not_found"),
     (400, 1003, "bad_request"), (500, 9999, "upstream_error")],
)  # fmt: skip
def test_weatherapi_error_object(status: int, code: int, expected: str) -> None:
    error = wa.error_from_body(status, {"error": {"code": code, "message": "text"}})
    assert error is not None and error.code == expected
