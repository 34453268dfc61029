"""A fake Open-Meteo (forecast + geocoding) on 127.0.0.1 serving recorded real responses.

Geocoding (`/v1/search`, by `name`, case-insensitive) answers from the recordings in
tests/data/weather: "San Francisco" (3 candidates), "London" (5), "Enschede" (the city and its
airport), "Atlantic" (results missing optional fields) and "London, UK" (the recorded empty
answer of servers before mid-2026). "New York" is a hand-written result in the recorded
shape (labelled below). Any other name gets the recorded no-results body (no `results` key).
`countryCode` is ignored, as old servers effectively did: the client must filter.

Forecasts (`/v1/forecast`, by coordinates rounded to 4 decimals): London is the merge of two
recorded London responses of the same minute (current block + daily block, in °F as
recorded, 2026-05-11); New York is the recorded NYC response (°C, no probability,
2026-02-06). There is no San Francisco forecast recording, so SF is the NYC response's shape
with clearly fake TEST VALUES: timezone America/Los_Angeles, current 14.0 °C, and daily
precipitation_probability_max [20, 35, 60, 10, 0, 5, 15]. Unknown coordinates get HTTP 400
with an Open-Meteo style `reason`.

London also has the recorded hourly block of the same evening (24 hours from 23:00, °F).
Paris, Oslo, Sydney, Tokyo and Delhi forecasts, and every air-quality answer
(`/v1/air-quality`), are TEST VALUES in the recorded shapes (tests/fakes/weather_synthetic.py).
Like the real server, a request naming a variable Open-Meteo does not have gets HTTP 400
("Cannot initialize WeatherVariable from invalid String value ...").

Faults: `fail("/v1/forecast", 503, times=2)`, `fail(..., 429, retry_after=2)`,
`malformed("/v1/forecast")`; they are served before the normal route, in order.
Counters: `searches()`, `forecasts()`; every request is in `server.requests`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import weather_synthetic as synthetic
from tests.fakes.server import FakeServer, Request, Response

DATA = Path(__file__).resolve().parent.parent / "data" / "weather"


def load(name: str) -> Any:
    """A recorded body from tests/data/weather."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def london_forecast() -> dict[str, Any]:
    """London 2026-05-11 (°F): the recorded current, daily and hourly blocks merged."""
    current = load("forecast_current_plus_daily_london_fahrenheit_2026-05-11.json")
    daily = load("forecast_daily_precipitation_probability_max_london_fahrenheit_2026-05-11.json")
    hourly = load("forecast_hourly_precipitation_probability_london_fahrenheit_2026-05-11.json")
    return {
        **current,
        "daily": daily["daily"],
        "daily_units": daily["daily_units"],
        "hourly": hourly["hourly"],
        "hourly_units": hourly["hourly_units"],
    }


def nyc_forecast() -> dict[str, Any]:
    """The recorded NYC response, 2026-02-06 (°C, km/h, no precipitation probability)."""
    return load("forecast_current_hourly_daily_nyc_celsius_2026-02-06.json")  # type: ignore[no-any-return]


def sf_forecast() -> dict[str, Any]:
    """TEST VALUES in the NYC shape: Los Angeles zone, 14.0 °C now, rain chance 20% today."""
    data = copy.deepcopy(nyc_forecast())
    data.update(latitude=37.7749, longitude=-122.4194, timezone="America/Los_Angeles",
                utc_offset_seconds=-28800, timezone_abbreviation="GMT-8")  # fmt: skip
    data["current"]["temperature_2m"] = 14.0
    days = len(data["daily"]["time"])
    data["daily"]["precipitation_probability_max"] = [20, 35, 60, 10, 0, 5, 15][:days]
    data["daily_units"]["precipitation_probability_max"] = "%"
    return data


SEARCHES = {
    "atlantic": "search_missing_optional_fields_python-open-meteo.json",
    "san francisco": "search_san_francisco_3_candidates_2026-01-20.json",
    "london": "search_london_5_candidates_2026-01-20.json",
    "enschede": "search_enschede_2_candidates_python-open-meteo.json",
    "london, uk": "search_london_comma_uk_no_results_2026-05-24.json",
}

FORECASTS = {
    "51.5085,-0.1257": london_forecast,
    "40.7143,-74.0060": nyc_forecast,
    "37.7749,-122.4194": sf_forecast,
}

# Hand-written in the recorded result shape (GeoNames values for New York City).
NEW_YORK_RESULT = {
    "id": 5128581, "name": "New York", "latitude": 40.71427, "longitude": -74.00597,
    "elevation": 10.0, "feature_code": "PPL", "country_code": "US", "timezone": "America/New_York",
    "population": 8804190, "country": "United States", "admin1": "New York",
}  # fmt: skip


# Hand-written in the recorded result shape with GeoNames values, for names no recording
# covers (the "Paris, TX", "Springfield" and "東京" cases). Not server responses.
HAND_WRITTEN_SEARCHES: dict[str, list[dict[str, object]]] = {
    "paris": [
        {"id": 2988507, "name": "Paris", "latitude": 48.85341, "longitude": 2.3488,
         "feature_code": "PPLC", "country_code": "FR", "timezone": "Europe/Paris",
         "population": 2138551, "country": "France", "admin1": "Île-de-France"},
        {"id": 4717560, "name": "Paris", "latitude": 33.66094, "longitude": -95.55551,
         "feature_code": "PPLA2", "country_code": "US", "timezone": "America/Chicago",
         "population": 24782, "country": "United States", "admin1": "Texas"},
        {"id": 4647963, "name": "Paris", "latitude": 36.302, "longitude": -88.32671,
         "feature_code": "PPLA2", "country_code": "US", "timezone": "America/Chicago",
         "population": 10156, "country": "United States", "admin1": "Tennessee"},
    ],
    "springfield": [
        {"id": 4409896, "name": "Springfield", "latitude": 37.21533, "longitude": -93.29824,
         "feature_code": "PPLA2", "country_code": "US", "timezone": "America/Chicago",
         "population": 169176, "country": "United States", "admin1": "Missouri"},
        {"id": 4951788, "name": "Springfield", "latitude": 42.10148, "longitude": -72.58981,
         "feature_code": "PPLA2", "country_code": "US", "timezone": "America/New_York",
         "population": 155929, "country": "United States", "admin1": "Massachusetts"},
        {"id": 4250542, "name": "Springfield", "latitude": 39.80172, "longitude": -89.64371,
         "feature_code": "PPLA", "country_code": "US", "timezone": "America/Chicago",
         "population": 116250, "country": "United States", "admin1": "Illinois"},
    ],
    "tokyo": [
        {"id": 1850147, "name": "Tokyo", "latitude": 35.6895, "longitude": 139.69171,
         "feature_code": "PPLC", "country_code": "JP", "timezone": "Asia/Tokyo",
         "population": 8336599, "country": "Japan", "admin1": "Tokyo"},
    ],
}  # fmt: skip


# GeoNames values in the recorded result shape for the synthetic cities (not server answers).
for _name, _admin1, _country, _code, _population in (
    ("Oslo", "Oslo", "Norway", "NO", 1082575),
    ("Sydney", "New South Wales", "Australia", "AU", 5638830),
    ("Delhi", "NCT", "India", "IN", 11034555),
):
    _city = synthetic.CITIES[_name.casefold()]
    HAND_WRITTEN_SEARCHES[_name.casefold()] = [
        {"id": _population, "name": _name, "latitude": _city.latitude,
         "longitude": _city.longitude, "feature_code": "PPLC", "country_code": _code,
         "timezone": _city.timezone, "population": _population, "country": _country,
         "admin1": _admin1}
    ]  # fmt: skip

# Variables Open-Meteo's forecast and air-quality APIs have (their docs); any other is a 400.
FORECAST_VARIABLES = frozenset(
    [
        "temperature_2m",
        "relative_humidity_2m",
        "dew_point_2m",
        "apparent_temperature",
        "precipitation_probability",
        "precipitation",
        "rain",
        "showers",
        "snowfall",
        "snow_depth",
        "weather_code",
        "pressure_msl",
        "surface_pressure",
        "cloud_cover",
        "visibility",
        "wind_speed_10m",
        "wind_direction_10m",
        "wind_gusts_10m",
        "uv_index",
        "uv_index_clear_sky",
        "is_day",
        "sunshine_duration",
        "freezing_level_height",
        "temperature_2m_max",
        "temperature_2m_min",
        "apparent_temperature_max",
        "apparent_temperature_min",
        "precipitation_sum",
        "rain_sum",
        "showers_sum",
        "snowfall_sum",
        "precipitation_hours",
        "precipitation_probability_max",
        "precipitation_probability_min",
        "precipitation_probability_mean",
        "sunrise",
        "sunset",
        "daylight_duration",
        "uv_index_max",
        "uv_index_clear_sky_max",
        "wind_speed_10m_max",
        "wind_gusts_10m_max",
        "wind_direction_10m_dominant",
    ]
)
AIR_QUALITY_VARIABLES = frozenset(
    [
        "pm10",
        "pm2_5",
        "carbon_monoxide",
        "nitrogen_dioxide",
        "sulphur_dioxide",
        "ozone",
        "dust",
        "uv_index",
        "us_aqi",
        "european_aqi",
        "alder_pollen",
        "birch_pollen",
        "grass_pollen",
        "mugwort_pollen",
        "olive_pollen",
        "ragweed_pollen",
    ]
)


def _unknown_variable(request: Request, known: frozenset[str]) -> Response | None:
    for block in ("current", "hourly", "daily"):
        for name in filter(None, request.query.get(block, "").split(",")):
            if name not in known:
                reason = (
                    f"Cannot initialize WeatherVariable from invalid String value {name} "
                    f"for key {block}"
                )
                return Response(400, {"error": True, "reason": reason})
    return None


class FakeWeather:
    """The fake server plus its request counters."""

    def __init__(self) -> None:
        self.server = FakeServer()
        self.server.route("GET", "/v1/search")(self._search)
        self.server.route("GET", "/v1/forecast")(self._forecast)
        self.server.route("GET", "/v1/air-quality")(self._air_quality)

    def _search(self, request: Request) -> Response:
        name = request.query.get("name", "").casefold()
        if name == "new york":
            return Response(body={"results": [NEW_YORK_RESULT], "generationtime_ms": 1.0})
        if name in HAND_WRITTEN_SEARCHES:
            return Response(body={"results": HAND_WRITTEN_SEARCHES[name], "generationtime_ms": 1.0})
        file = SEARCHES.get(name, "search_no_results_2026-01-20.json")
        return Response(body=load(file))

    def _forecast(self, request: Request) -> Response:
        refused = _unknown_variable(request, FORECAST_VARIABLES)
        if refused is not None:
            return refused
        key = f"{float(request.query['latitude']):.4f},{float(request.query['longitude']):.4f}"
        builder = FORECASTS.get(key)
        if builder is not None:
            return Response(body=builder())
        if key in synthetic.FORECASTS:
            return Response(body=synthetic.forecast(synthetic.CITIES[synthetic.FORECASTS[key]]))
        return Response(400, {"error": True, "reason": f"no recording for {key}"})

    def _air_quality(self, request: Request) -> Response:
        refused = _unknown_variable(request, AIR_QUALITY_VARIABLES)
        if refused is not None:
            return refused
        key = f"{float(request.query['latitude']):.4f},{float(request.query['longitude']):.4f}"
        if key not in synthetic.AIR_QUALITY:
            return Response(400, {"error": True, "reason": f"no air quality for {key}"})
        return Response(body=synthetic.air_quality(synthetic.AIR_QUALITY[key]))

    def fail(
        self,
        path: str,
        status: int,
        times: int = 1,
        reason: str = "fault injected by the test",
        retry_after: float | None = None,
    ) -> None:
        """Answer the next `times` requests to `path` with an Open-Meteo style error."""
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        response = Response(status, {"error": True, "reason": reason}, headers=headers)
        self.server.inject("GET", path, response, times)

    def malformed(self, path: str, times: int = 1) -> None:
        """Answer the next `times` requests to `path` with HTTP 200 and a body that is not JSON."""
        self.server.inject(
            "GET", path, Response(200, raw=b'{"latitude": 51.5, "current": {'), times
        )

    @property
    def base_url(self) -> str:
        """The root URL; both WEATHERBOT_OPEN_METEO_URL and _GEOCODING_URL point here."""
        return self.server.base_url

    def searches(self) -> int:
        """How many geocoding requests arrived."""
        return self.server.count("GET", "/v1/search")

    def air_qualities(self) -> int:
        """How many air-quality requests arrived."""
        return self.server.count("GET", "/v1/air-quality")

    def forecasts(self) -> int:
        """How many forecast requests arrived."""
        return self.server.count("GET", "/v1/forecast")

    def start(self) -> FakeWeather:
        """Start serving (on a free loopback port)."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()


@pytest.fixture
def fake_weather(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWeather]:
    """A running FakeWeather with WEATHERBOT_OPEN_METEO_URL and _GEOCODING_URL pointing at it."""
    fake = FakeWeather().start()
    monkeypatch.setenv("WEATHERBOT_OPEN_METEO_URL", fake.base_url)
    monkeypatch.setenv("WEATHERBOT_OPEN_METEO_GEOCODING_URL", fake.base_url)
    monkeypatch.setenv("WEATHERBOT_OPEN_METEO_AIR_QUALITY_URL", fake.base_url)
    try:
        yield fake
    finally:
        fake.stop()
