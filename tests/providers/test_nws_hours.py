"""NWS: what falls from `shortForecast`, the 7-day horizon, and no hourly request."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.fakes.provider_server import FakeProviders
from tests.providers.conftest import recording
from weatherbot.providers.cache import DiskCache
from weatherbot.providers.http import HttpClient
from weatherbot.providers.nws import HORIZON_DAYS, NwsProvider, forecast_kinds, parse_forecast
from weatherbot.providers.sample import NEW_YORK

GRID = "gridpoints_OKX_33_35_forecast_2026-01-20.json"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [("Sunny", ()), ("Chance Light Snow", ("snow",)), ("Light Snow Likely", ("snow",)),
     ("Partly Sunny then Slight Chance Light Snow", ("snow",)),
     ("Chance Rain Showers", ("showers",)), ("Snow Showers Likely", ("snow",)),
     # Both named, never "sleet": NWS readers take sleet to be ice pellets.
     ("Rain And Snow", ("rain", "snow")), ("Rain/Snow Likely", ("rain", "snow")),
     ("Slight Chance Sleet", ("sleet",)), ("Wintry Mix", ("sleet",)),
     ("Freezing Drizzle then Rain", ("freezing_rain", "rain")), ("Patchy Drizzle", ("drizzle",)),
     ("Chance Showers And Thunderstorms", ("showers", "rain")),
     ("Blowing Snow", ()), ("Patchy Blowing Snow then Snow Showers", ("snow",)),
     ("Rainy Day Blues", ()), (None, ()), (17, ())],
)  # fmt: skip
def test_short_forecast_words_name_what_falls(text: object, kinds: tuple[str, ...]) -> None:
    assert forecast_kinds(text) == kinds


def test_recorded_days_have_kinds_and_no_invented_fields() -> None:
    forecast = parse_forecast(recording(GRID), NEW_YORK, "America/New_York")
    assert forecast.horizon_days == HORIZON_DAYS == 7 and len(forecast.daily) == 7
    kinds = [d.precipitation_kinds for d in forecast.daily]
    # Sunny through Friday; "Partly Sunny then Slight Chance Light Snow" on Saturday 24th,
    # "Light Snow Likely" on Sunday, "Chance Light Snow" on Monday.
    assert kinds == [(), (), (), (), ("snow",), ("snow",), ("snow",)]
    # No amounts, UV, sun times or hours in the 12-hour product.
    assert forecast.hourly == ()
    for day in forecast.daily:
        assert (day.snowfall_cm, day.uv_index_max, day.sunrise, day.daylight_s) == (
            None, None, None, None,
        )  # fmt: skip


def test_night_rain_and_snow_joins_the_day_kinds() -> None:
    data = copy.deepcopy(recording(GRID))
    periods = data["properties"]["periods"]
    # TEST VALUES: Wednesday night (index 3) turned wet; the day keeps its own kinds first.
    periods[2]["shortForecast"] = "Chance Rain Showers"
    periods[3]["shortForecast"] = "Rain And Snow Likely"
    forecast = parse_forecast(data, NEW_YORK, "America/New_York")
    assert forecast.daily[1].precipitation_kinds == ("showers", "rain", "snow")
    assert forecast.daily[1].description == "Chance Rain Showers"


def test_no_hourly_request_is_made(fake_providers: FakeProviders, tmp_path: Path) -> None:
    http = HttpClient("US National Weather Service", sleep=lambda s: None)
    forecast = NwsProvider(http, DiskCache(tmp_path), fake_providers.base_url).forecast(NEW_YORK)
    assert forecast.hourly == () and forecast.horizon_days == 7
    paths = [r.path for r in fake_providers.server.requests]
    assert not any(path.endswith("/forecast/hourly") for path in paths)
    assert fake_providers.count("/gridpoints/.*") == 1
