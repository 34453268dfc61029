"""The `offline` backend: no model. The planner picks the tool calls, templates write the answer.

The calls run through the same registry and executor as a model's, so the events, the
concurrency and `--json` are identical; only the words of the answer come from templates.
The planner and the writer live in `weatherbot.offline`; this module chooses units, turns the
plan into tool calls and runs the turn.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from weatherbot.backends.base import Runtime, TurnRequest
from weatherbot.backends.local import LocalThreads, message_text
from weatherbot.events import Done, Event, Ids, TextDelta
from weatherbot.offline.followup import plan_turn
from weatherbot.offline.intent import Plan, Unit
from weatherbot.offline.writer import NO_PLACE, TOO_MANY_PLACES, write_answer
from weatherbot.providers.places import uses_fahrenheit
from weatherbot.providers.service import WeatherService
from weatherbot.tools.execute import MAX_CALLS_PER_STEP, ToolCall, run_tool_calls

__all__ = ["MAX_PLACES", "NO_PLACE", "OfflineBackend"]

MAX_PLACES = MAX_CALLS_PER_STEP // 2  # today's two tools per place must fit in one step


def _user_questions(history: Sequence[Mapping[str, Any]]) -> list[str]:
    return [message_text(m.get("content")) for m in history if m.get("role") == "user"]


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
        if self.runtime.settings.units == "metric":
            return "Celsius"
        if self.runtime.settings.units == "imperial":
            return "Fahrenheit"
        try:
            # The service caches this per question, so the tool call's own lookup is free.
            place = weather.resolve(location)
        except Exception:
            return "Celsius"  # the tool call meets the same failure and reports it
        return "Fahrenheit" if uses_fahrenheit(place.country_code) else "Celsius"

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
        turn = plan_turn(request.question, _user_questions(request.history))
        places = turn.places[:MAX_PLACES]
        if not places:
            answer = NO_PLACE[turn.language]
        else:
            calls, owners = self.plan_calls(turn, places, request.tool_context.weather)
            results = yield from run_tool_calls(calls, self.runtime.registry, request.tool_context)
            answer = write_answer(turn, places, results, owners)
            if len(turn.places) > MAX_PLACES:
                answer += "\n\n" + TOO_MANY_PLACES[turn.language].format(n=MAX_PLACES)
        lines = answer.split("\n")
        for index, line in enumerate(lines):
            yield TextDelta(line + ("\n" if index < len(lines) - 1 else ""))
        history = (
            {"role": "user", "content": request.question},
            {"role": "assistant", "content": answer},
        )
        yield Done(answer, Ids(None, request.thread_id, None), history=history)
