"""The `offline` backend: no model. The planner picks the tool calls, templates write the answer.

The calls run through the same registry and executor as a model's, so the events, the
concurrency and `--json` are identical; only the words of the answer come from templates.
The planner, the gazetteer and the writer live in `weatherbot.offline`; this module chooses
units, turns the plan into tool calls and runs the turn.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from weatherbot.backends.base import Runtime, TurnRequest
from weatherbot.backends.driver import Step, TurnDriver
from weatherbot.backends.local import LocalThreads
from weatherbot.errors import WeatherbotError
from weatherbot.events import Done, Event, Ids, Message, TextDelta
from weatherbot.offline.answer import (
    no_place_answer,
    social_answer,
    too_many_places,
    write_answer,
)
from weatherbot.offline.calls import tool_names
from weatherbot.offline.followup import plan_turn
from weatherbot.offline.intent import Plan, Unit
from weatherbot.offline.place_ref import PlaceRef
from weatherbot.offline.saved import SavedNames
from weatherbot.providers.models import Place
from weatherbot.providers.service import WeatherService
from weatherbot.tools.execute import MAX_CALLS_PER_STEP, ToolCall, ToolResult
from weatherbot.tools.weather import unit_for

__all__ = ["OfflineBackend", "places_per_step"]


def places_per_step(turn: Plan) -> int:
    """How many places one step can look up: every place's tools must fit in it."""
    return max(1, MAX_CALLS_PER_STEP // max(1, len(tool_names(turn))))


INTERRUPTED_MESSAGE = "interrupted"


class OfflineBackend(LocalThreads):
    """Answers with the built-in planner and templates: no model, no API key."""

    name = "offline"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def close(self) -> None:
        """No connections to release."""

    def _unit_for(self, turn: Plan, location: str, weather: WeatherService) -> Unit:
        if turn.unit is not None:
            return turn.unit
        return unit_for(self.runtime.settings.units, weather, location)

    def _units(self, turn: Plan, places: Sequence[str], weather: WeatherService) -> list[Unit]:
        if turn.unit is not None or not places:
            return [turn.unit or "Celsius" for _ in places]
        if turn.compare or len(places) == 1:
            # A comparison is in one unit: the first place's (or the user's setting).
            first = self._unit_for(turn, places[0], weather)
            return [first for _ in places]
        with ThreadPoolExecutor(max_workers=min(len(places), 8)) as pool:
            return list(pool.map(lambda p: self._unit_for(turn, p, weather), places))

    def plan_calls(
        self, turn: Plan, places: Sequence[str], weather: WeatherService
    ) -> tuple[list[ToolCall], dict[str, int]]:
        """The tool calls a model would make for the plan, and which place each one is for."""
        calls: list[ToolCall] = []
        owners: dict[str, int] = {}

        def add(index: int, name: str, arguments: dict[str, Any]) -> None:
            call_id = f"offline_{len(calls) + 1}"
            calls.append(ToolCall(call_id, name, json.dumps(arguments, ensure_ascii=False)))
            owners[call_id] = index

        names = tool_names(turn)
        for index, (location, unit) in enumerate(
            zip(places, self._units(turn, places, weather), strict=True)
        ):
            for name in names:
                arguments: dict[str, Any] = {"location": location}
                if name in ("get_current_temperature", "get_current_conditions"):
                    arguments["unit"] = unit
                elif name == "get_forecast":
                    arguments |= {"days": turn.days.days, "unit": unit}
                elif name == "get_hourly_forecast" and turn.hours is not None:
                    hours = turn.hours
                    arguments |= {"part": hours.part, "day": hours.day_word}
                    if hours.start_time is not None:
                        arguments["start_time"] = hours.start_time
                    if hours.hours is not None:
                        arguments["hours"] = hours.hours
                    arguments["unit"] = unit
                add(index, name, arguments)
        return calls, owners

    def run_turn(self, request: TurnRequest) -> Iterator[Event]:
        """Plan the question, run the tools like a model would, answer from templates."""
        driver = TurnDriver(self.runtime.registry, INTERRUPTED_MESSAGE)
        return driver.run(_OfflineTurn(self, request), request)


class _OfflineTurn:
    """The planner as a model: step one asks for the tool calls, step two writes the answer."""

    def __init__(self, backend: OfflineBackend, request: TurnRequest) -> None:
        self.backend = backend
        self.request = request
        earlier = [m.content for m in request.history if m.role == "user"]
        # getattr: tests and plugins may hand in a service-like object without saved places.
        saved = getattr(request.tool_context.weather, "saved", None)
        self.plan = plan_turn(request.question, earlier, SavedNames.of(saved))
        self.limit = places_per_step(self.plan)
        self.places: list[PlaceRef] = self.plan.places[: self.limit]
        self.owners: dict[str, int] = {}

    def start(self) -> Generator[Event, None, Step]:
        """The planned tool calls, or a reply without tools (no place, thanks, hello)."""
        if self.plan.kind == "social":
            return (yield from _say(social_answer(self.plan)))
        if not self.places:
            return (yield from _say(no_place_answer(self.plan)))
        weather = self.request.tool_context.weather
        # getattr: tests and plugins may hand in a service-like object without it.
        remember = getattr(weather, "remember", None)
        for place in self.places:
            if place.entry is not None and remember is not None:
                remember(place.query, _place(place))
        queries = [place.query for place in self.places]
        calls, self.owners = self.backend.plan_calls(self.plan, queries, weather)
        return Step(calls=calls)

    def resume(self, results: Sequence[ToolResult]) -> Generator[Event, None, Step]:
        """The answer written from the tool results."""
        queries = [place.query for place in self.places]
        guesses = [(p.text, p.query) for p in self.places if p.guessed]
        # A saved place is named by where it is ("San Francisco"), not "home" or "家".
        typed = ["" if p.saved is not None else p.text for p in self.places]
        answer = write_answer(self.plan, queries, results, self.owners, guesses, typed)
        if len(self.plan.places) > self.limit:
            answer += "\n\n" + too_many_places(self.plan, self.limit)
        return (yield from _say(answer))

    def finish(self, step: Step) -> Done:
        """The answer and the two messages it adds to the local history."""
        history = (Message("user", self.request.question), Message("assistant", step.text))
        return Done(step.text, Ids(None, self.request.thread_id, None), history=history)

    def cancel(self, reason: str) -> bool:
        """Nothing runs anywhere else."""
        return True

    def map_error(self, exc: Exception) -> WeatherbotError | None:
        """The planner raises nothing of its own."""
        return None

    def close(self) -> None:
        """Nothing to close."""


def _place(ref: PlaceRef) -> Place:
    """The gazetteer's entry as a resolved place: no geocoding request is needed for it."""
    entry = ref.entry
    assert entry is not None
    return Place(
        name=entry.name,
        latitude=entry.latitude,
        longitude=entry.longitude,
        timezone=entry.timezone or "UTC",
        admin1=entry.admin1,
        country=entry.country,
        country_code=entry.country_code,
        population=entry.population,
        feature_code="PPL",
    )


def _say(answer: str) -> Generator[Event, None, Step]:
    """The answer line by line, as a model's deltas would arrive."""
    lines = answer.split("\n")
    for index, line in enumerate(lines):
        yield TextDelta(line + ("\n" if index < len(lines) - 1 else ""))
    return Step(text=answer)
