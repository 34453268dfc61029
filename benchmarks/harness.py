"""Shared helpers for benchmarks/run.py: timing fakes, environments, connection counting.

The fakes come from tests/fakes (imported, not copied); this module only adds what the
benchmarks need on top of them: runs that finish at a wall-clock deadline, a weather fake that
knows any place and answers after a fixed latency, connection counters and a file-like that
timestamps writes. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.assistants_server import FakeAssistants  # noqa: E402
from tests.fakes.chat_server import FakeChat  # noqa: E402
from tests.fakes.responses_server import FakeResponses  # noqa: E402
from tests.fakes.server import FakeServer, Request, Response  # noqa: E402
from tests.fakes.weather_server import FakeWeather, sf_forecast  # noqa: E402

SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
API_KEY = "sk-bench.not.a.real.key"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# -- connections ----------------------------------------------------------------------------


def count_connections(server: FakeServer) -> Callable[[], int]:
    """Count TCP connections the started fake accepts; returns a reader of the count."""
    httpd: Any = server._httpd
    assert httpd is not None, "start the server first"
    original = httpd.get_request
    accepted = [0]

    def get_request() -> Any:
        pair = original()
        accepted[0] += 1
        return pair

    httpd.get_request = get_request
    return lambda: accepted[0]


# -- weather --------------------------------------------------------------------------------


class AnyPlaceWeather(FakeWeather):
    """FakeWeather that also knows any place name (TEST VALUES, not recordings).

    Unknown names geocode to one made-up city at coordinates derived from the name; every
    forecast is the SF test-value forecast moved to the asked coordinates. `latency_s` delays
    every answer; `in_flight_max` records how many requests were served at the same time.
    """

    def __init__(self, latency_s: float = 0.0) -> None:
        super().__init__()
        self.latency_s = latency_s
        self.spans: list[tuple[float, float]] = []
        self._flight = 0
        self.in_flight_max = 0
        self._lock = threading.Lock()
        self.server._routes.clear()
        self.server.route("GET", "/v1/search")(self._timed(self._any_search))
        self.server.route("GET", "/v1/forecast")(self._timed(self._any_forecast))

    def _timed(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def run(request: Request) -> Response:
            start = time.perf_counter()
            with self._lock:
                self._flight += 1
                self.in_flight_max = max(self.in_flight_max, self._flight)
            try:
                if self.latency_s:
                    time.sleep(self.latency_s)
                return handler(request)
            finally:
                with self._lock:
                    self._flight -= 1
                    self.spans.append((start, time.perf_counter()))

        return run

    def _any_search(self, request: Request) -> Response:
        name = request.query.get("name", "")
        if name.casefold() in ("san francisco", "london", "new york"):
            return self._search(request)
        seed = zlib.crc32(name.casefold().encode())
        lat = round(-50 + (seed % 10000) / 100, 4)
        lon = round(-150 + (seed // 10000 % 30000) / 100, 4)
        result = {
            "id": seed, "name": name.split(",")[0].strip() or "Testville", "latitude": lat,
            "longitude": lon, "elevation": 10.0, "feature_code": "PPL", "country_code": "US",
            "timezone": "America/Los_Angeles", "population": 500000,
            "country": "United States", "admin1": "California",
        }  # fmt: skip
        return Response(body={"results": [result], "generationtime_ms": 1.0})

    def _any_forecast(self, request: Request) -> Response:
        lat, lon = float(request.query["latitude"]), float(request.query["longitude"])
        known = self._forecast(request)
        if known.status == 200:
            return known
        data = sf_forecast()
        data.update(latitude=lat, longitude=lon)
        return Response(body=data)


# -- runs that finish at a deadline -----------------------------------------------------------


class DeadlineAssistants(FakeAssistants):
    """Assistants fake whose polled runs stay in_progress until `created + next_duration`.

    `finished[run_id]` is the perf_counter time the run finished; `polls[run_id]` lists the
    perf_counter times of its retrievals.
    """

    def __init__(self) -> None:
        super().__init__()
        self.next_duration = 1.0
        self.deadlines: dict[str, float] = {}
        self.created: dict[str, float] = {}
        self.polls: dict[str, list[float]] = {}

    def _create_run(self, request: Request) -> Response:
        response = super()._create_run(request)
        if response.status == 200 and isinstance(response.body, dict):
            rid = str(response.body["id"])
            now = time.perf_counter()
            self.created[rid] = now
            self.deadlines[rid] = now + self.next_duration
            self.polls[rid] = []
        return response

    def _get_run(self, request: Request) -> Response:
        rid = request.params["rid"]
        with self._state:
            run = self._find_run(request)
            if isinstance(run, Response):
                return run
            self.polls.setdefault(rid, []).append(time.perf_counter())
            if run.status == "queued":
                self._set_status(run, "in_progress")
            if run.status == "in_progress" and time.perf_counter() >= self.deadlines.get(rid, 0):
                self._decide(run)
            return self._run_response(run)


class DeadlineResponses(FakeResponses):
    """Responses fake whose background responses complete at `created + next_duration`."""

    def __init__(self) -> None:
        super().__init__()
        self.next_duration = 1.0
        self.deadlines: dict[str, float] = {}
        self.created: dict[str, float] = {}
        self.polls: dict[str, list[float]] = {}

    def _create_response(self, request: Request) -> Response:
        response = super()._create_response(request)
        if response.status == 200 and isinstance(response.body, dict):
            rid = str(response.body["id"])
            now = time.perf_counter()
            self.created[rid] = now
            self.deadlines[rid] = now + self.next_duration
            self.polls[rid] = []
        return response

    def _get_response(self, request: Request) -> Response:
        rid = request.params["rid"]
        with self._state:
            stored = self.responses.get(rid)
            if stored is None:
                return super()._get_response(request)
            self.polls.setdefault(rid, []).append(time.perf_counter())
            if stored.body["status"] in ("queued", "in_progress"):
                if time.perf_counter() >= self.deadlines.get(rid, 0):
                    self._finish(stored, "completed")
                else:
                    stored.body["status"] = "in_progress"
            return Response(200, dict(stored.body), headers=self._poll_headers())


# -- a chat stream with gaps, and a terminal that timestamps writes ---------------------------


class PacedChat(FakeChat):
    """Chat fake whose streamed text chunks go out `gap_s` apart; `sent` has their times."""

    def __init__(self, gap_s: float = 0.03) -> None:
        super().__init__()
        self.gap_s = gap_s
        self.sent: list[float] = []

    def _stream(self, completion_id: str, reply: Any, include_usage: bool) -> Iterator[Any]:
        for event in super()._stream(completion_id, reply, include_usage):
            if '"content": "' in event[1] and '"role"' not in event[1]:
                time.sleep(self.gap_s)
                self.sent.append(time.perf_counter())
            yield event


class StampedFile:
    """A text file-like for a Rich Console that records when each write happens."""

    def __init__(self) -> None:
        self.writes: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        self.writes.append((time.perf_counter(), text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("not a real file")


# -- environments -----------------------------------------------------------------------------


def clean_env(home: str | None = None, **extra: str) -> dict[str, str]:
    """os.environ without OPENAI_*/WEATHERBOT_* settings, with a fresh WEATHERBOT_HOME."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "WEATHERBOT_", "LLM_"))
    }
    env["WEATHERBOT_HOME"] = home or tempfile.mkdtemp(prefix="wb-bench-")
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def api_env(
    api: FakeServer | None, weather: FakeWeather, backend: str, home: str | None = None
) -> dict[str, str]:
    """Environment for `weatherbot` against the fakes."""
    extra = {
        "WEATHERBOT_BACKEND": backend,
        "WEATHERBOT_OPEN_METEO_URL": weather.base_url,
        "WEATHERBOT_OPEN_METEO_GEOCODING_URL": weather.base_url,
    }
    if api is not None:
        extra["OPENAI_API_KEY"] = API_KEY
        extra["OPENAI_BASE_URL"] = api.base_url + "/v1"
    return clean_env(home, **extra)
