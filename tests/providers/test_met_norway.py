"""MET Norway on its recordings: truncated coordinates, Expires/If-Modified-Since, no fake 0%."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.provider_server import MET_LAST_MODIFIED, FakeProviders, met_london_complete
from tests.providers.conftest import recording
from weatherbot.errors import ProviderError
from weatherbot.providers.cache import DiskCache
from weatherbot.providers.http import Fetched, HttpClient
from weatherbot.providers.met_norway import (
    MetNorwayProvider,
    describe_symbol,
    expires_at,
    parse_locationforecast,
    truncate_coordinate,
)
from weatherbot.providers.sample import LONDON, OSLO
from weatherbot.providers.service import WeatherService
from weatherbot.tools.weather import ToolContext, get_rain_probability

OSLO_COMPACT = "locationforecast_compact_oslo_2026-02-06.json"
T0 = 1_770_409_800.0  # 2026-02-06 20:30:00 UTC; our clock, unrelated to the server's Date


class Clock:
    """A settable clock for the cache and the provider."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def met(fake_providers: FakeProviders, tmp_path: Path, clock: Clock) -> MetNorwayProvider:
    cache = DiskCache(tmp_path / "cache", clock)
    return MetNorwayProvider(HttpClient("MET Norway", sleep=lambda s: None), cache,
                             fake_providers.base_url)  # fmt: skip


def met_requests(fake: FakeProviders) -> list[Any]:
    return [r for r in fake.server.requests if r.path.startswith("/weatherapi/")]


@pytest.mark.parametrize(
    ("value", "text"),
    [(59.91273, "59.9127"), (10.74609, "10.7460"), (-0.12574, "-0.1257"), (40.0, "40.0000"),
     (-74.00599, "-74.0059"), (0.00009, "0.0000")],
)  # fmt: skip
def test_coordinates_are_truncated_not_rounded(value: float, text: str) -> None:
    assert truncate_coordinate(value) == text


@pytest.mark.parametrize(
    ("code", "words"),
    [("clearsky_day", "clear sky"), ("partlycloudy_night", "partly cloudy"), ("snow", "snow"),
     ("lightrainshowersandthunder_polartwilight", "light rain showers and thunder"),
     ("lightssleetshowersandthunder_day", "light sleet showers and thunder"),
     ("heavysnowshowers_day", "heavy snow showers"), (None, None)],
)  # fmt: skip
def test_symbol_codes_read_as_words(code: str | None, words: str | None) -> None:
    assert describe_symbol(code) == words


def test_compact_oslo_local_days_and_no_probability() -> None:
    forecast = parse_locationforecast(recording(OSLO_COMPACT), OSLO)
    assert forecast.current is not None
    # 21:00Z is 22:00 in Oslo: still Friday 6 February locally.
    assert forecast.current.time.isoformat() == "2026-02-06T22:00:00+01:00"
    assert forecast.current.temperature_c == -5.8 and forecast.current.wind_speed_ms == 6.0
    assert forecast.current.description == "snow"
    assert forecast.today.isoformat() == "2026-02-06"
    saturday = forecast.daily[1]
    assert saturday.date.isoformat() == "2026-02-07"
    assert (saturday.temperature_max_c, saturday.temperature_min_c) == (-2.7, -5.9)
    # compact never carries a probability: unknown (None), never 0.
    assert all(day.precipitation_probability_pct is None for day in forecast.daily)
    assert forecast.daily[-1].date.isoformat() == "2026-02-16"


def test_complete_london_without_probability_is_none_not_zero() -> None:
    forecast = parse_locationforecast(met_london_complete(), LONDON)
    assert forecast.today.isoformat() == "2020-07-20"
    assert all(day.precipitation_probability_pct is None for day in forecast.daily)
    # Dry days are 0.0 mm of precipitation: an amount is not a probability.
    assert forecast.daily[0].precipitation_mm == 0.0


def test_complete_with_probability_takes_the_days_maximum() -> None:
    data = copy.deepcopy(met_london_complete())
    series = data["properties"]["timeseries"]
    # TEST VALUES: MET sends probability_of_precipitation only in its Nordic domain.
    for step, value in ((series[0], 10.0), (series[3], 40.0), (series[5], 25.0)):
        step["data"]["next_1_hours"].setdefault("details", {})["probability_of_precipitation"] = (
            value
        )
    forecast = parse_locationforecast(data, LONDON)
    assert forecast.daily[0].precipitation_probability_pct == 40.0
    assert forecast.daily[1].precipitation_probability_pct is None


def test_rain_tool_says_unavailable_not_zero(met: MetNorwayProvider) -> None:
    class Fixed:
        def resolve(self, query: str) -> Any:
            return OSLO

    out = get_rain_probability(ToolContext(WeatherService(Fixed(), [met])), "Oslo")
    assert out["probability_percent"] is None
    assert "no probability" in out["message"] and out["source"] == "MET Norway"


def test_request_shape(met: MetNorwayProvider, fake_providers: FakeProviders) -> None:
    met.forecast(OSLO)
    (request,) = met_requests(fake_providers)
    assert request.path == "/weatherapi/locationforecast/2.0/compact"
    assert request.query == {"lat": "59.9127", "lon": "10.7460"}
    assert request.headers["user-agent"].startswith("weatherbot/")
    assert "if-modified-since" not in request.headers


def test_expires_then_if_modified_since_then_304(
    met: MetNorwayProvider, fake_providers: FakeProviders, clock: Clock
) -> None:
    first = met.forecast(OSLO)
    assert first.cache_age_s is None and len(met_requests(fake_providers)) == 1
    clock.now = T0 + 600  # Expires is 30 min after Date: no request at all
    cached = met.forecast(OSLO)
    assert cached.cache_age_s == 600 and len(met_requests(fake_providers)) == 1
    assert cached.daily == first.daily
    clock.now = T0 + 31 * 60  # expired: revalidate with the stored Last-Modified
    revalidated = met.forecast(OSLO)
    requests = met_requests(fake_providers)
    assert len(requests) == 2
    assert requests[1].headers["if-modified-since"] == MET_LAST_MODIFIED
    assert revalidated.daily == first.daily and revalidated.cache_age_s is None
    clock.now = T0 + 35 * 60  # the 304's Expires gave another 30 minutes
    met.forecast(OSLO)
    assert len(met_requests(fake_providers)) == 2


def test_changed_data_after_expiry_is_downloaded(
    met: MetNorwayProvider, fake_providers: FakeProviders, clock: Clock
) -> None:
    met.forecast(OSLO)
    fake_providers.met_last_modified = "Fri, 06 Feb 2026 21:27:06 GMT"
    clock.now = T0 + 3600
    met.forecast(OSLO)
    requests = met_requests(fake_providers)
    assert requests[1].headers["if-modified-since"] == MET_LAST_MODIFIED
    clock.now = T0 + 2 * 3600
    met.forecast(OSLO)
    assert met_requests(fake_providers)[2].headers["if-modified-since"] == (
        "Fri, 06 Feb 2026 21:27:06 GMT"
    )


@pytest.mark.parametrize(
    ("expires", "served", "lifetime"),
    [
        ("Fri, 06 Feb 2026 21:00:00 GMT", "Fri, 06 Feb 2026 20:30:00 GMT", 1800.0),
        (None, None, 600.0),  # no header: the ordinary forecast TTL
        ("not a date", None, 600.0),
        ("Fri, 06 Feb 2026 20:00:00 GMT", "Fri, 06 Feb 2026 20:30:00 GMT", 0.0),  # in the past
        ("Sat, 07 Feb 2026 20:30:00 GMT", "Fri, 06 Feb 2026 20:30:00 GMT", 6 * 3600.0),  # capped
    ],
)
def test_expires_is_applied_to_our_clock(
    expires: str | None, served: str | None, lifetime: float
) -> None:
    # Our clock is a day off the server's: Expires - Date still gives the lifetime.
    now = T0 + 86400
    assert expires_at(Fetched({}, expires=expires, date=served), now) == now + lifetime


def test_refresh_skips_the_cache_and_the_condition(
    fake_providers: FakeProviders, tmp_path: Path, clock: Clock
) -> None:
    http = HttpClient("MET Norway", sleep=lambda s: None)
    url = fake_providers.base_url
    MetNorwayProvider(http, DiskCache(tmp_path, clock), url).forecast(OSLO)
    MetNorwayProvider(http, DiskCache(tmp_path, clock, refresh=True), url).forecast(OSLO)
    requests = met_requests(fake_providers)
    assert len(requests) == 2 and "if-modified-since" not in requests[1].headers


def test_outside_the_area_is_a_provider_error(met: MetNorwayProvider) -> None:
    with pytest.raises(ProviderError) as info:
        met.forecast(OSLO.__class__("Nowhere", 10.0, 10.0, "UTC"))
    assert "MET Norway" in info.value.message and "422" in info.value.message
