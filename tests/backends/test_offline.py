"""The offline backend end to end: planned tool calls, real tool execution, templated answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from weatherbot.backends import catalogue
from weatherbot.backends.base import Profile, Runtime, TurnRequest
from weatherbot.backends.offline import OfflineBackend
from weatherbot.errors import ProviderError
from weatherbot.events import Done, Event, Message, TextDelta, ToolCallFinished, ToolCallStarted
from weatherbot.providers.models import Current, Day, Forecast, Place
from weatherbot.providers.service import WeatherService
from weatherbot.settings import Settings
from weatherbot.tools.weather import ToolContext, default_registry

TODAY = date(2026, 11, 24)

PLACES = {
    "san francisco": Place(
        "San Francisco", 37.7749, -122.4194, "America/Los_Angeles", "California",
        "United States", "US",
    ),
    "london": Place("London", 51.5085, -0.1257, "Europe/London", "England", "United Kingdom", "GB"),
    "paris": Place("Paris", 48.8534, 2.3488, "Europe/Paris", "Île-de-France", "France", "FR"),
    "tokyo": Place("Tokyo", 35.6895, 139.6917, "Asia/Tokyo", "Tokyo", "Japan", "JP"),
}  # fmt: skip
# name: (current °C, UTC offset hours, local time, today's rain %)
WEATHER: dict[str, tuple[float, int, str, float | None]] = {
    "San Francisco": (14.0, -8, "14:30", 20),
    "London": (8.3, 0, "22:30", 57),
    "Paris": (9.6, 1, "23:30", None),
    "Tokyo": (12.1, 9, "07:30", 10),
}
SPRINGFIELDS = [
    "Springfield, Illinois, United States",
    "Springfield, Missouri, United States",
    "Springfield, Massachusetts, United States",
]


class StubGeocoder:
    """Fixed places; Springfield is ambiguous, anything else is not found."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self._lock = threading.Lock()

    def resolve(self, query: str) -> Place:
        with self._lock:
            self.queries.append(query)
        key = query.split(",")[0].strip().casefold()
        if key == "springfield":
            raise ProviderError(
                "ambiguous", f"{query!r} matches several places", candidates=SPRINGFIELDS
            )
        if key not in PLACES:
            raise ProviderError("not_found", f"no place called {query!r}")
        return PLACES[key]


@dataclass
class StubProvider:
    """Fixed forecasts: the current temperature and seven days from WEATHER."""

    sample_date: str | None = None
    name: str = "stub"
    title: str = "Open-Meteo"
    requests: list[str] = field(default_factory=list)

    def forecast(self, place: Place) -> Forecast:
        self.requests.append(place.name)
        celsius, offset, clock, rain = WEATHER[place.name]
        zone = timezone(timedelta(hours=offset))
        hour, minute = map(int, clock.split(":"))
        now = datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=zone)
        days = tuple(
            Day(
                TODAY + timedelta(days=i),
                temperature_max_c=celsius + 4 + i,
                temperature_min_c=celsius - 3,
                precipitation_probability_pct=None if rain is None else min(100, rain + 5 * i),
                precipitation_mm=0.5 * i,
                description="Overcast",
            )
            for i in range(7)
        )
        return Forecast(
            place=place,
            source="Open-Meteo",
            timezone=place.timezone,
            today=TODAY,
            fetched_at=now,
            current=Current(now, celsius),
            daily=days,
            sample_date=self.sample_date,
        )


@dataclass
class Turn:
    """Everything one run_turn yielded."""

    events: list[Event]
    geocoder: StubGeocoder
    provider: StubProvider

    @property
    def done(self) -> Done:
        dones = [e for e in self.events if isinstance(e, Done)]
        assert len(dones) == 1 and self.events[-1] is dones[0]
        return dones[0]

    @property
    def answer(self) -> str:
        return self.done.answer

    @property
    def calls(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (e.call_id, e.name, dict(e.arguments))
            for e in self.events
            if isinstance(e, ToolCallStarted)
        ]

    @property
    def outputs(self) -> list[dict[str, Any]]:
        return [json.loads(e.output) for e in self.events if isinstance(e, ToolCallFinished)]


def make_backend(tmp_path: Path, **settings: Any) -> OfflineBackend:
    runtime = Runtime(
        settings=Settings(home=tmp_path, **settings),
        profile=Profile(model="none", instructions="", tools=()),
        registry=default_registry(),
    )
    backend = catalogue.get("offline").build(runtime)
    assert isinstance(backend, OfflineBackend)
    return backend


def ask(
    tmp_path: Path,
    question: str,
    history: Sequence[Message] = (),
    provider: StubProvider | None = None,
    **settings: Any,
) -> Turn:
    geocoder, provider = StubGeocoder(), provider or StubProvider()
    request = TurnRequest(
        question=question,
        thread_id="local_abc",
        assistant_id=None,
        tool_context=ToolContext(WeatherService(geocoder, [provider])),
        history=list(history),
    )
    events = list(make_backend(tmp_path, **settings).run_turn(request))
    return Turn(events, geocoder, provider)


def test_seed_question_infers_fahrenheit_and_answers_from_the_outputs(tmp_path: Path) -> None:
    turn = ask(tmp_path, "What's the weather in San Francisco today and the likelihood it'll rain?")
    assert turn.calls == [
        (
            "offline_1",
            "get_current_temperature",
            {"location": "San Francisco, California, United States", "unit": "Fahrenheit"},
        ),
        (
            "offline_2",
            "get_rain_probability",
            {"location": "San Francisco, California, United States"},
        ),
    ]
    assert turn.outputs[0]["temperature"] == 57.2
    assert turn.answer == (
        "**San Francisco, California, United States**: 57.2 °F now; "
        "20% chance of rain today (2026-11-24)."
    )  # the source is said once, by the renderer's provenance line (issue 18)
    # The gazetteer knew the place (no geocoding); both tools share one forecast.
    assert turn.geocoder.queries == []
    assert turn.provider.requests == ["San Francisco"]


def test_events_text_and_history_match_the_model_backends(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Will it rain in London today?")
    started = [e for e in turn.events if isinstance(e, ToolCallStarted)]
    finished = [e for e in turn.events if isinstance(e, ToolCallFinished)]
    assert [e.call_id for e in started] == [e.call_id for e in finished] == ["offline_1"]
    assert all(e.error is None for e in finished)
    text = "".join(e.text for e in turn.events if isinstance(e, TextDelta))
    assert text == turn.answer
    assert turn.done.ids.thread_id == "local_abc"
    assert turn.done.ids.assistant_id is None and turn.done.ids.run_id is None
    assert turn.done.history == (
        Message("user", "Will it rain in London today?"),
        Message("assistant", turn.answer),
    )


def test_london_is_celsius(tmp_path: Path) -> None:
    turn = ask(tmp_path, "How cold is it in London?")
    assert turn.calls == [
        (
            "offline_1",
            "get_current_temperature",
            {"location": "London, England, United Kingdom", "unit": "Celsius"},
        )
    ]
    assert "**London, England, United Kingdom**: 8.3 °C now." in turn.answer
    assert "rain" not in turn.answer


def test_a_comparison_is_in_one_unit_with_a_verdict(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Compare London and San Francisco")
    units = [args.get("unit") for _, _, args in turn.calls]
    assert units == ["Celsius", None, "Celsius", None]  # London's unit for both
    assert "**San Francisco, California, United States**: 14.0 °C now; 20%" in turn.answer
    assert "San Francisco is warmer than London, by 5.7 °C." in turn.answer


def test_several_places_each_in_its_own_unit(tmp_path: Path) -> None:
    turn = ask(tmp_path, "weather in London and San Francisco")
    assert [(name, args) for _, name, args in turn.calls] == [
        (
            "get_current_temperature",
            {"location": "London, England, United Kingdom", "unit": "Celsius"},
        ),
        ("get_rain_probability", {"location": "London, England, United Kingdom"}),
        (
            "get_current_temperature",
            {"location": "San Francisco, California, United States", "unit": "Fahrenheit"},
        ),
        ("get_rain_probability", {"location": "San Francisco, California, United States"}),
    ]
    lines = turn.answer.split("\n\n")
    assert lines[0].startswith("**London, England, United Kingdom**: 8.3 °C now; 57% chance")
    assert lines[1].startswith("**San Francisco, California, United States**: 57.2 °F now; 20%")
    assert len(lines) == 2  # no source line: the renderer's provenance line says it
    assert turn.geocoder.queries == []


def test_explicit_unit_wins_over_the_country(tmp_path: Path) -> None:
    turn = ask(tmp_path, "temperature in London in fahrenheit")
    assert turn.calls[0][2] == {"location": "London, England, United Kingdom", "unit": "Fahrenheit"}
    assert "46.9 °F now" in turn.answer


def test_unit_preference_from_settings(tmp_path: Path) -> None:
    turn = ask(tmp_path, "How warm is it in San Francisco?", units="metric")
    assert turn.calls[0][2] == {
        "location": "San Francisco, California, United States",
        "unit": "Celsius",
    }
    assert "14.0 °C now" in turn.answer


def test_chinese_seed_question(tmp_path: Path) -> None:
    turn = ask(tmp_path, "旧金山今天天气怎么样,会下雨吗?")
    assert [(name, args) for _, name, args in turn.calls] == [
        (
            "get_current_temperature",
            {"location": "San Francisco, California, United States", "unit": "Fahrenheit"},
        ),
        ("get_rain_probability", {"location": "San Francisco, California, United States"}),
    ]
    assert turn.answer == (
        "**San Francisco, California, United States**：现在 57.2°F；今天（11月24日）降雨概率 20%。"
    )


def test_chinese_tomorrow_for_two_cities(tmp_path: Path) -> None:
    turn = ask(tmp_path, "伦敦和东京明天多少度?")
    assert [(name, args) for _, name, args in turn.calls] == [
        (
            "get_forecast",
            {"location": "London, England, United Kingdom", "days": 2, "unit": "Celsius"},
        ),
        ("get_forecast", {"location": "Tokyo, Japan", "days": 2, "unit": "Celsius"}),
    ]
    assert "**London, England, United Kingdom** 明天（11月25日）：5.3～13.3°C。" in turn.answer
    assert "**Tokyo, Japan** 明天（11月25日）：9.1～17.1°C。" in turn.answer
    assert "降水" not in turn.answer


@pytest.mark.parametrize(
    ("question", "answer"),
    [("Will it rain tomorrow?", "Which place do you mean?"), ("明天会下雨吗?", "你问的是哪个地方")],
)
def test_no_place_asks_for_one_and_calls_nothing(
    tmp_path: Path, question: str, answer: str
) -> None:
    turn = ask(tmp_path, question)
    assert turn.calls == []
    assert answer in turn.answer
    assert "\n" not in turn.answer
    assert turn.geocoder.queries == [] and turn.provider.requests == []


def test_ambiguous_place_lists_the_candidates(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Springfield weather")
    assert turn.outputs[0]["error"] == "ambiguous"
    assert turn.answer == (
        "Which one do you mean: Springfield, Illinois, United States; "
        "Springfield, Missouri, United States; Springfield, Massachusetts, United States?"
    )


def test_unknown_place_says_so_and_invents_nothing(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Is it cold in Narnia?")
    # The unit could not be inferred, so the call falls back to Celsius and reports the error.
    assert turn.calls[0][2] == {"location": "Narnia", "unit": "Celsius"}
    assert turn.answer == "I could not find 'Narnia' — check the spelling or add a country."


def test_unknown_place_next_to_a_known_one(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Will it rain in Narnia and London?")
    blocks = turn.answer.split("\n\n")
    assert blocks[0] == "I could not find 'Narnia' — check the spelling or add a country."
    assert (
        blocks[1] == "**London, England, United Kingdom**: 57% chance of rain today (2026-11-24)."
    )
    assert len(blocks) == 2  # no source line: the renderer's provenance line says it


def test_missing_probability_is_said_plainly(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Will it rain in Paris?")
    assert turn.answer.startswith(
        "**Paris, Ile-de-France, France**: Open-Meteo gives no probability of precipitation "
        "for 2026-11-24."
    )


def test_follow_up_reuses_the_places_of_the_conversation(tmp_path: Path) -> None:
    first = ask(
        tmp_path, "What's the weather in San Francisco today and the likelihood it'll rain?"
    )
    second = ask(tmp_path, "and tomorrow?", history=first.done.history)
    assert [(name, args) for _, name, args in second.calls] == [
        (
            "get_forecast",
            {
                "location": "San Francisco, California, United States",
                "days": 2,
                "unit": "Fahrenheit",
            },
        ),
    ]
    assert second.answer.startswith(
        "**San Francisco, California, United States**, tomorrow (2026-11-25): "
        # "Overcast" does not say rain or snow: the chance is of precipitation.
        "Overcast, 51.8 to 66.2 °F, 25% chance of precipitation, 0.02 in."
    )
    # "and in London?" keeps what and when the conversation was about.
    history = [*first.done.history, *second.done.history]
    third = ask(tmp_path, "and in London?", history=history)
    assert [(name, args) for _, name, args in third.calls] == [
        (
            "get_forecast",
            {"location": "London, England, United Kingdom", "days": 2, "unit": "Celsius"},
        ),
    ]


def test_weekend_shows_only_saturday_and_sunday(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Will it rain in London this weekend?")
    assert turn.calls[0][1:] == (
        "get_forecast",
        # Eight days: "this weekend" asked on a Sunday still reaches next Saturday.
        {"location": "London, England, United Kingdom", "days": 8, "unit": "Celsius"},
    )
    assert turn.answer.split("\n\n")[0] == (
        "**London, England, United Kingdom**:\n"
        "- 2026-11-28 (Sat): 77% chance of precipitation, 2 mm\n"
        "- 2026-11-29 (Sun): 82% chance of precipitation, 2.5 mm"
    )


def test_days_beyond_the_forecast_are_said_plainly(tmp_path: Path) -> None:
    turn = ask(tmp_path, "Tokyo weather for the next 10 days")
    assert turn.calls[0][2] == {"location": "Tokyo, Japan", "days": 10, "unit": "Celsius"}
    assert turn.outputs[0]["message"] == "Open-Meteo covers 7 of the 10 days asked for"
    assert turn.answer.count("\n- ") == 7


def test_sample_data_is_never_presented_as_now(tmp_path: Path) -> None:
    turn = ask(
        tmp_path,
        "What's the weather in London today and will it rain?",
        provider=StubProvider(sample_date="2026-05-11"),
    )
    assert " now" not in turn.answer
    assert turn.answer == (
        "**London, England, United Kingdom**: 8.3 °C at 2026-11-24 22:30; "
        "57% chance of rain on 2026-11-24."
    )  # that it is a recording is said by the provenance line, from the outputs' source


def test_sample_tomorrow_is_a_date_not_tomorrow(tmp_path: Path) -> None:
    turn = ask(tmp_path, "London weather tomorrow", provider=StubProvider(sample_date="2026-05-11"))
    assert "tomorrow" not in turn.answer
    assert "2026-11-25 (Wed)" in turn.answer


def test_too_many_places_are_capped_to_one_step(tmp_path: Path) -> None:
    cities = (
        "Zorbia, Quentaro, Vellmoor, Brastow, Kelmith, Ondrala, Pyrrick, Thaxby, Wendrel and Yarrow"
    )
    turn = ask(tmp_path, f"What's the weather in {cities}?")
    assert len(turn.calls) == 16  # two tools for each of the first eight places
    assert turn.answer.endswith("I looked up the first 8 places only; ask again for the others.")
    # One tool a place: sixteen places fit in one step.
    assert len(ask(tmp_path, f"Will it rain in {cities}?").calls) == 10


def test_local_thread_and_no_assistant(tmp_path: Path) -> None:
    backend = make_backend(tmp_path)
    assert backend.name == "offline"
    assert backend.ensure_assistant(Profile("m", "i", ()), None) is None
    thread = backend.create_thread()
    assert thread.startswith("local_") and len(thread) == len("local_") + 20
    assert thread != backend.create_thread()
    backend.delete_thread(thread)
    backend.delete_assistant("x")
    history = [
        Message("user", "Will it rain in Oslo?"),
        Message("assistant", "**Oslo**: 10% chance of rain today."),
        Message("tool", "{}"),
    ]
    messages = backend.thread_messages(thread, history)
    assert [(m.role, m.text) for m in messages] == [
        ("user", "Will it rain in Oslo?"),
        ("assistant", "**Oslo**: 10% chance of rain today."),
    ]
    backend.close()


def test_real_sample_provider_for_the_readme_question(tmp_path: Path) -> None:
    pytest.importorskip("weatherbot.providers.sample")
    registry = pytest.importorskip("weatherbot.providers.registry")
    settings = Settings(home=tmp_path, provider="sample")
    service = registry.build_service(settings)
    backend = make_backend(tmp_path, provider="sample")
    request = TurnRequest(
        question="What's the weather in London today and will it rain?",
        thread_id="local_abc",
        assistant_id=None,
        tool_context=ToolContext(service),
    )
    events = list(backend.run_turn(request))
    outputs = [json.loads(e.output) for e in events if isinstance(e, ToolCallFinished)]
    assert [o.get("error") for o in outputs] == [None, None]
    assert outputs[0]["temperature"] == 8.3 and outputs[0]["unit"] == "Celsius"
    assert outputs[1]["probability_percent"] == 57
    done = events[-1]
    assert isinstance(done, Done)
    assert "8.3 °C" in done.answer and "57% chance of rain on 2026-05-11" in done.answer
    assert " now" not in done.answer
    # The provenance line under the answer shows each output's source: the recording's date.
    assert {o["source"] for o in outputs} == {"Open-Meteo (recorded sample, 2026-05-11)"}


def test_real_sample_provider_for_several_recordings(tmp_path: Path) -> None:
    pytest.importorskip("weatherbot.providers.sample")
    registry = pytest.importorskip("weatherbot.providers.registry")
    service = registry.build_service(Settings(home=tmp_path, provider="sample"))
    request = TurnRequest(
        question="Weather in London and New York",
        thread_id="local_abc",
        assistant_id=None,
        tool_context=ToolContext(service),
    )
    events = list(make_backend(tmp_path, provider="sample").run_turn(request))
    units = [dict(e.arguments).get("unit") for e in events if isinstance(e, ToolCallStarted)]
    assert units == ["Celsius", None, "Fahrenheit", None]
    done = events[-1]
    assert isinstance(done, Done)
    assert " now" not in done.answer
    sources = {json.loads(e.output)["source"] for e in events if isinstance(e, ToolCallFinished)}
    assert {s.split("(")[1] for s in sources} == {
        "recorded sample, 2026-05-11)",
        "recorded sample, 2026-02-06)",
    }
