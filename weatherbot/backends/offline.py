"""The `offline` backend: no model. The planner picks the tool calls, templates write the answer.

The calls run through the same registry and executor as a model's, so the events, the
concurrency and `--json` are identical; only the words of the answer come from templates.
The planner and the writer live in `weatherbot.offline`; this module chooses units, turns the
plan into tool calls and runs the turn.
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
from weatherbot.offline.followup import plan_turn
from weatherbot.offline.intent import Plan, Unit
from weatherbot.offline.writer import NO_PLACE, TOO_MANY_PLACES, write_answer
from weatherbot.providers.service import WeatherService
from weatherbot.tools.execute import MAX_CALLS_PER_STEP, ToolCall, ToolResult
from weatherbot.tools.weather import unit_for

__all__ = ["MAX_PLACES", "NO_PLACE", "OfflineBackend"]

MAX_PLACES = MAX_CALLS_PER_STEP // 2  # today's two tools per place must fit in one step
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
        needs_unit = turn.wants_temperature or turn.when != "today"
        if not needs_unit or turn.unit is not None or len(places) <= 1:
            return [self._unit_for(turn, p, weather) if needs_unit else "Celsius" for p in places]
        with ThreadPoolExecutor(max_workers=min(len(places), MAX_PLACES)) as pool:
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

        for index, (location, unit) in enumerate(
            zip(places, self._units(turn, places, weather), strict=True)
        ):
            if turn.when == "today":
                if turn.wants_temperature:
                    add(index, "get_current_temperature", {"location": location, "unit": unit})
                if turn.wants_rain:
                    add(index, "get_rain_probability", {"location": location})
            else:
                arguments = {"location": location, "days": turn.days, "unit": unit}
                add(index, "get_forecast", arguments)
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
        self.plan = plan_turn(request.question, earlier)
        self.places = self.plan.places[:MAX_PLACES]
        self.owners: dict[str, int] = {}

    def start(self) -> Generator[Event, None, Step]:
        """The planned tool calls, or the question back when no place was named."""
        if not self.places:
            return (yield from _say(NO_PLACE[self.plan.language]))
        weather = self.request.tool_context.weather
        calls, self.owners = self.backend.plan_calls(self.plan, self.places, weather)
        return Step(calls=calls)

    def resume(self, results: Sequence[ToolResult]) -> Generator[Event, None, Step]:
        """The answer written from the tool results."""
        answer = write_answer(self.plan, self.places, results, self.owners)
        if len(self.plan.places) > MAX_PLACES:
            answer += "\n\n" + TOO_MANY_PLACES[self.plan.language].format(n=MAX_PLACES)
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


def _say(answer: str) -> Generator[Event, None, Step]:
    """The answer line by line, as a model's deltas would arrive."""
    lines = answer.split("\n")
    for index, line in enumerate(lines):
        yield TextDelta(line + ("\n" if index < len(lines) - 1 else ""))
    return Step(text=answer)
