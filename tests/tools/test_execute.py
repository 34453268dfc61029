"""Tool calls of one step run concurrently; each gets exactly one output, errors included."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from weatherbot.errors import ProviderError
from weatherbot.events import ToolCallFinished, ToolCallStarted
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.providers.service import WeatherService
from weatherbot.tools.execute import MAX_CALLS_PER_STEP, ToolCall, run_tool_calls
from weatherbot.tools.weather import ToolContext, default_registry

SF = Place(
    "San Francisco",
    37.77493,
    -122.41942,
    "America/Los_Angeles",
    "California",
    "United States",
    "US",
    864816,
    "PPLA2",
)


class Geo:
    def __init__(self) -> None:
        self.calls = 0

    def resolve(self, query: str) -> Place:
        self.calls += 1
        if "atlantis" in query.lower():
            raise ProviderError("not_found", f"no place called {query!r} was found")
        return SF


class Barrier:
    """Forecasts block until two arrive together: proves the calls run concurrently."""

    name = "stub"
    title = "Stub"

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=10)
        self.calls = 0

    def forecast(self, place: Place) -> Forecast:
        self.calls += 1
        self.barrier.wait()
        tz = ZoneInfo(place.timezone)
        now = datetime(2026, 11, 24, 6, 30, tzinfo=tz)
        return Forecast(
            place,
            "Stub",
            place.timezone,
            date(2026, 11, 24),
            now,
            current=Current(now, 14.0),
            daily=(Day(date(2026, 11, 24), 16.0, 9.0, 20.0),),
        )


def drain(gen: Any) -> tuple[list[Any], Any]:
    """A generator's events and its return value."""
    events = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            return events, stop.value


def test_seed_tools_share_one_forecast_and_outputs_match_design() -> None:
    provider = Barrier(1)
    geo = Geo()
    ctx = ToolContext(WeatherService(geo, [provider]))
    calls = [
        ToolCall(
            "c1",
            "get_current_temperature",
            '{"location": "San Francisco, CA", "unit": "Fahrenheit"}',
        ),
        ToolCall("c2", "get_rain_probability", '{"location": "San Francisco, CA"}'),
    ]
    events, results = drain(run_tool_calls(calls, default_registry(), ctx))
    assert [type(e) for e in events] == [
        ToolCallStarted,
        ToolCallStarted,
        ToolCallFinished,
        ToolCallFinished,
    ]
    temp = json.loads(results[0].output)
    rain = json.loads(results[1].output)
    assert temp["temperature"] == 57.2 and temp["unit"] == "Fahrenheit"
    assert temp["location"] == "San Francisco, California, United States"
    for out in (temp, rain):
        assert {"location", "latitude", "longitude", "timezone", "source"} <= out.keys()
    assert rain["probability_percent"] == 20 and rain["date"] == "2026-11-24"
    assert provider.calls == 1 and geo.calls == 1


def test_calls_for_different_places_run_concurrently() -> None:
    provider = Barrier(2)

    class TwoPlaces(Geo):
        def resolve(self, query: str) -> Place:
            return Place(query, 1.0 if query == "A" else 2.0, 0.0, "UTC")

    ctx = ToolContext(WeatherService(TwoPlaces(), [provider]))
    calls = [ToolCall(f"c{i}", "get_rain_probability", {"location": p}) for i, p in enumerate("AB")]
    _, results = drain(run_tool_calls(calls, default_registry(), ctx))
    assert all(r.error is None for r in results)  # the barrier would time out if serial


def test_errors_become_outputs_and_every_call_is_answered() -> None:
    ctx = ToolContext(WeatherService(Geo(), [Barrier(1)]))
    calls = [
        ToolCall("bad_json", "get_rain_probability", "{oops"),
        ToolCall("unknown", "get_stock_price", "{}"),
        ToolCall("nowhere", "get_rain_probability", '{"location": "Atlantis"}'),
    ]
    _, results = drain(run_tool_calls(calls, default_registry(), ctx))
    assert [r.call_id for r in results] == ["bad_json", "unknown", "nowhere"]
    assert [r.error for r in results] == ["invalid_arguments", "unknown_tool", "not_found"]
    assert "Atlantis" in json.loads(results[2].output)["message"]


def test_too_many_calls_are_capped_with_an_error_output() -> None:
    provider = Barrier(1)
    ctx = ToolContext(WeatherService(Geo(), [provider]))
    calls = [ToolCall(f"c{i}", "get_rain_probability", '{"location": "SF"}') for i in range(50)]
    events, results = drain(run_tool_calls(calls, default_registry(), ctx))
    assert len(results) == 50 and len([e for e in events if isinstance(e, ToolCallFinished)]) == 50
    assert results[MAX_CALLS_PER_STEP].error == "too_many_calls"
    assert results[0].error is None


@pytest.mark.parametrize("receiver", ["process", "worker thread"])
def test_ctrl_c_while_a_lookup_hangs_does_not_wait_for_it(receiver: str) -> None:
    """The interrupt reaches the caller at once; the slow lookup is left to finish alone.

    The kernel may hand a process's SIGINT to any of its threads (CI's did: the main thread slept
    on until the lookup's own timeout), so the case where a worker thread receives it is forced.
    """
    import os
    import signal

    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    class Hanging(Geo):
        def resolve(self, query: str) -> Place:
            started.set()
            # A safety net only: the test releases it; waiting for it would be the bug. Long,
            # because a loaded 2-core machine can take seconds to deliver the signal.
            release.wait(timeout=60)
            finished.set()
            return SF

    def interrupt_once_started() -> None:
        started.wait(timeout=30)
        if receiver == "process":
            # A real SIGINT, as Ctrl-C sends, addressed to the process.
            os.kill(os.getpid(), signal.SIGINT)
        else:
            # The same signal taken by a thread that is not the main one.
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)

    ctx = ToolContext(WeatherService(Hanging(), [Barrier(1)]))
    calls = [ToolCall("c1", "get_rain_probability", json.dumps({"location": "SF"}))]
    helper = threading.Thread(target=interrupt_once_started)
    helper.start()
    interrupted = False
    try:
        list(run_tool_calls(calls, default_registry(), ctx))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # The interrupt came through while the lookup was still hanging.
        still_hanging = not finished.is_set()
        release.set()
        helper.join()
    assert interrupted and still_hanging
