"""A fake MET Norway, NWS, OpenWeatherMap and WeatherAPI on 127.0.0.1, serving recordings.

Recorded bodies (tests/data/weather, provenance in reference/weather/SOURCES.md):
- MET `/weatherapi/locationforecast/2.0/{compact,complete}`: Oslo (59.9127,10.7460) gets the
  recorded `compact` body (2026-02-06); London (51.5085,-0.1257) gets the recorded `complete`
  body (2020-07-20) for either product (there is no compact London recording). Other points:
  HTTP 422, as MET answers outside its area. The cache headers are TEST VALUES: the server's
  own `Date`, `Expires` = Date + `met_lifetime_s` (30 min, as recorded in 2020) and
  `met_last_modified`; `If-Modified-Since` equal to the current Last-Modified gets a 304.
- NWS: `/points/{lat},{lon}` near 40.7128,-74.006 gets the recorded NYC points answer (its
  absolute URLs point at api.weather.gov); any other point gets the recorded 404 for London.
  `/gridpoints/OKX/33,35/forecast` and `/alerts/active` (empty) are recorded; `alerts` can be
  replaced by a test with labelled TEST VALUES.
- OpenWeatherMap `/data/3.0/onecall`: the recorded NYC One Call body for `appid=OWM_KEY`;
  another key gets 401 with the error body quoted in the research notes.
- WeatherAPI `/v1/forecast.json`: the recorded London body for `key=WEATHERAPI_KEY`; another
  key gets 401 with the documented error object shape (code 2006).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.server import FakeServer, Request, Response

DATA = Path(__file__).resolve().parent.parent / "data" / "weather"
OWM_KEY = "owm-test-key-0001"
WEATHERAPI_KEY = "weatherapi-test-key-0001"
MET_LAST_MODIFIED = "Fri, 06 Feb 2026 20:27:06 GMT"


def load(name: str) -> Any:
    """A recorded body from tests/data/weather."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def met_london_complete() -> dict[str, Any]:
    """The recorded London `complete` body (the recording wraps it with its HTTP headers)."""
    wrapped = load("locationforecast_complete_london_2020-07-20_with_http_headers.json")
    return wrapped["data"]  # type: ignore[no-any-return]


def _near(request: Request, lat_name: str, lon_name: str, lat: float, lon: float) -> bool:
    try:
        got_lat = float(request.query.get(lat_name) or request.params[lat_name])
        got_lon = float(request.query.get(lon_name) or request.params[lon_name])
    except (KeyError, ValueError):
        return False
    return abs(got_lat - lat) < 0.01 and abs(got_lon - lon) < 0.01


class FakeProviders:
    """The fake server, with per-test knobs for MET cache headers and NWS alerts."""

    def __init__(self) -> None:
        self.server = FakeServer()
        self.met_lifetime_s = 1800.0
        self.met_last_modified = MET_LAST_MODIFIED
        self.alerts: Any = load("alerts_active_point_nyc_empty_2026-01-20.json")
        route = self.server.route
        route("GET", r"/weatherapi/locationforecast/2\.0/(?P<product>compact|complete)")(self._met)
        route("GET", r"/points/(?P<lat>[-0-9.]+),(?P<lon>[-0-9.]+)")(self._points)
        route("GET", r"/gridpoints/OKX/33,35/forecast")(self._gridpoints)
        route("GET", r"/alerts/active")(self._alerts)
        route("GET", r"/data/3\.0/onecall")(self._onecall)
        route("GET", r"/v1/forecast\.json")(self._weatherapi)

    def _met(self, request: Request) -> Response:
        if _near(request, "lat", "lon", 59.9127, 10.7460):
            body = load("locationforecast_compact_oslo_2026-02-06.json")
        elif _near(request, "lat", "lon", 51.5085, -0.1257):
            body = met_london_complete()
        else:
            return Response(422, raw=b"<html>outside the area</html>")
        # The HTTP server adds its own (real) Date; Expires must be relative to that one.
        headers = {
            "Expires": formatdate(time.time() + self.met_lifetime_s, usegmt=True),
            "Last-Modified": self.met_last_modified,
        }
        if request.headers.get("if-modified-since") == self.met_last_modified:
            return Response(304, raw=b"", headers=headers)
        return Response(body=body, headers=headers)

    def _points(self, request: Request) -> Response:
        if _near(request, "lat", "lon", 40.7128, -74.006):
            return Response(body=load("points_40.7128_-74.006_nyc_2026-01-20.json"))
        return Response(
            404,
            load("error_404_points_outside_us_london_2026-01-20.json"),
            headers={"Content-Type": "application/problem+json"},
        )

    def _gridpoints(self, request: Request) -> Response:
        return Response(body=load("gridpoints_OKX_33_35_forecast_2026-01-20.json"))

    def _alerts(self, request: Request) -> Response:
        return Response(body=self.alerts)

    def _onecall(self, request: Request) -> Response:
        if request.query.get("appid") != OWM_KEY:
            message = (
                "Invalid API key. Please see https://openweathermap.org/faq#error401 for more info."
            )
            return Response(401, {"cod": 401, "message": message})
        return Response(body=load("onecall_3.0_nyc_metric_2026-02-06.json"))

    def _weatherapi(self, request: Request) -> Response:
        if request.query.get("key") != WEATHERAPI_KEY:
            return Response(401, {"error": {"code": 2006, "message": "API key is invalid."}})
        return Response(body=load("forecast_days1_london_2023-04-28.json"))

    def count(self, pattern: str) -> int:
        """How many GET requests matched a path pattern."""
        return self.server.count("GET", pattern)

    @property
    def base_url(self) -> str:
        """The root URL every provider URL setting points at."""
        return self.server.base_url

    def start(self) -> FakeProviders:
        """Start serving (on a free loopback port)."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()


@pytest.fixture
def fake_providers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProviders]:
    """A running FakeProviders with every provider URL and both test keys pointing at it."""
    fake = FakeProviders().start()
    for name in ("MET_NORWAY", "NWS", "OPENWEATHERMAP", "WEATHERAPI"):
        monkeypatch.setenv(f"WEATHERBOT_{name}_URL", fake.base_url)
    monkeypatch.setenv("WEATHERBOT_OPENWEATHERMAP_API_KEY", OWM_KEY)
    monkeypatch.setenv("WEATHERBOT_WEATHERAPI_API_KEY", WEATHERAPI_KEY)
    try:
        yield fake
    finally:
        fake.stop()
