"""A scripted stand-in for the language model, shared by every fake API server.

It reads a neutral message list (chat-like: user / assistant with tool_calls / tool) and
decides what a sensible model would: call the weather tools for the places it recognises,
then answer from the tool outputs it was given. Tests can queue exact replies instead.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any

# Places the scripted model recognises, with how a model would pass them and the unit.
KNOWN_PLACES: dict[str, tuple[str, str]] = {
    "san francisco": ("San Francisco, CA", "Fahrenheit"),
    "new york": ("New York, NY", "Fahrenheit"),
    "london": ("London", "Celsius"),
    "paris": ("Paris, France", "Celsius"),
    "narnia": ("Narnia", "Celsius"),
    "oslo": ("Oslo, Norway", "Celsius"),
    "sydney": ("Sydney, Australia", "Celsius"),
    "tokyo": ("Tokyo", "Celsius"),
    "delhi": ("Delhi, India", "Celsius"),
}
DAY_PARTS = ("morning", "afternoon", "evening", "tonight")


@dataclass
class ToolCallSpec:
    """A tool call the model emits: id, name, arguments (a JSON string, usually)."""

    id: str
    name: str
    arguments: Any


@dataclass
class Reply:
    """One model step: text, or tool calls (or both)."""

    text: str | None = None
    tool_calls: list[ToolCallSpec] = field(default_factory=list)


_ids = itertools.count(1)
_id_lock = threading.Lock()


def new_call_id() -> str:
    with _id_lock:
        return f"call_{next(_ids):06d}"


def saved_in(instructions: str | None) -> tuple[dict[str, tuple[str, str]], str | None]:
    """The saved places the instructions list (name -> (name, unit)) and the default's name."""
    text = instructions or ""
    marker = "The user's saved places: "
    if marker not in text:
        return {}, None
    listed = text.split(marker, 1)[1].split(". When", 1)[0]
    saved: dict[str, tuple[str, str]] = {}
    for pair in listed.split("; "):
        name, _, where = pair.partition(" = ")
        unit = "Fahrenheit" if where.endswith("United States") else "Celsius"
        saved[name.strip().lower()] = (name.strip(), unit)
    default = None
    if "use '" in text:
        default = text.split("use '", 1)[1].split("'", 1)[0]
    return saved, default


def places_in(text: str, saved: dict[str, tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    lower = text.lower()
    known = {**KNOWN_PLACES, **(saved or {})}
    found = [(lower.index(k), v) for k, v in known.items() if k in lower]
    return [v for _, v in sorted(found)]


def _clock(stamp: str | None) -> str:
    return "-" if not stamp else stamp[11:16]


def _forecast_lines(out: dict[str, Any]) -> list[str]:
    lines = []
    for day in out["days"]:
        kinds = " or ".join(day["precipitation_types"]) or "precipitation"
        snow = f", {day['snowfall']} {out['snowfall_unit']} of snow" if day["snowfall"] else ""
        lines.append(
            f"{out['location']} on {day['date']}: {day['high']}/{day['low']}, "
            f"{day['precipitation_probability_percent']}% chance of {kinds}{snow}, "
            f"UV {day['uv_index_max']} ({day['uv_category']}), "
            f"sunrise {_clock(day['sunrise'])}, sunset {_clock(day['sunset'])}."
        )
    return lines


def _hourly_line(out: dict[str, Any]) -> str:
    summary = out["summary"]
    kinds = " or ".join(summary["precipitation_types"]) or "precipitation"
    line = (
        f"In {out['location']} from {_clock(out['start'])} to {_clock(out['end'])}, the chance "
        f"of {kinds} is at most {summary['precipitation_probability_max_percent']}% "
        f"(at {_clock(summary['most_likely_at'])})."
    )
    if summary["wet_at_start"]:
        line += f" It stops at {_clock(summary['stops_at'])}."
    elif summary["starts_at"]:
        line += f" It starts at {_clock(summary['starts_at'])}."
    return line


def summarise(outputs: list[dict[str, Any]]) -> str:
    """The answer a model writes from tool outputs: facts only, one line per output."""
    lines = []
    for out in outputs:
        if "error" in out:
            lines.append(f"Sorry, I could not get that: {out.get('message', out['error'])}")
        elif "temperature" in out:
            unit = "°F" if out.get("unit") == "Fahrenheit" else "°C"
            lines.append(f"It is {out['temperature']}{unit} in {out['location']}.")
        elif "summary" in out:
            lines.append(_hourly_line(out))
        elif "days" in out and "us_aqi" in out:
            lines.append(
                f"The air in {out['location']}: US AQI {out['us_aqi']} ({out['us_aqi_category']})"
                f", PM2.5 {out['pm2_5']} {out['concentration_unit']}."
            )
        elif "days" in out:
            lines += _forecast_lines(out)
        elif "probability_percent" in out:
            lines.append(
                f"The chance of rain in {out['location']} on {out['date']} is "
                f"{out['probability_percent']}%."
            )
    return (
        " ".join(lines)
        + " (source: "
        + ", ".join(sorted({str(o.get("source")) for o in outputs if o.get("source")}))
        + ")"
    )


class ScriptedModel:
    """Decides replies from messages; `queue` forces the next replies in order."""

    def __init__(self) -> None:
        self.queue: list[Reply] = []
        self.calls = 0
        # The instructions each step was given (None where the API sent none).
        self.instructions: list[str | None] = []

    def respond(self, messages: list[dict[str, Any]], instructions: str | None = None) -> Reply:
        self.calls += 1
        self.instructions.append(instructions)
        if self.queue:
            return self.queue.pop(0)
        last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
        after = messages[last_user + 1 :]
        outputs = [m for m in after if m["role"] == "tool"]
        if outputs:
            parsed = []
            for m in outputs:
                try:
                    parsed.append(json.loads(m["content"]))
                except (ValueError, TypeError):
                    parsed.append({"error": "unparsable", "message": str(m["content"])})
            return Reply(text=summarise(parsed))
        question = str(messages[last_user]["content"])
        saved, default = saved_in(instructions)
        places = places_in(question, saved)
        if not places:
            # A follow-up ("and tomorrow?") reuses the place of the previous question.
            earlier = [m for m in messages[:last_user] if m["role"] == "user"]
            for m in reversed(earlier):
                places = places_in(str(m["content"]), saved)
                if places:
                    break
        if not places and default:
            # The instructions name a default place for questions that name none.
            places = [saved[default.lower()]]
        if not places:
            return Reply(text="Which place would you like the weather for?")
        special = _special_calls(question, places)
        if special:
            return Reply(tool_calls=special)
        calls = []
        for location, unit in places:
            calls.append(
                ToolCallSpec(
                    new_call_id(),
                    "get_current_temperature",
                    json.dumps({"location": location, "unit": unit}),
                )
            )
            calls.append(
                ToolCallSpec(
                    new_call_id(), "get_rain_probability", json.dumps({"location": location})
                )
            )
        return Reply(tool_calls=calls)


def _special_calls(question: str, places: list[tuple[str, str]]) -> list[ToolCallSpec]:
    """The one tool a model picks for an hour, snow, UV, sun, air or far-ahead question."""
    lower = question.lower()
    location, unit = places[0]
    days_ahead = next(
        (int(w) for w, nxt in zip(lower.split(), lower.split()[1:], strict=False)
         if w.isdigit() and nxt.startswith("day")),
        None,
    )  # fmt: skip
    name, args = "", {}
    if "air" in lower or "aqi" in lower or "pollution" in lower:
        name, args = "get_air_quality", {}
    elif "stop raining" in lower or "start raining" in lower:
        name, args = "get_hourly_forecast", {"part": "now", "hours": 24, "unit": unit}
    elif part := next((p for p in DAY_PARTS if p in lower), None):
        name, args = "get_hourly_forecast", {"part": part, "unit": unit}
    elif "snow" in lower:
        name, args = "get_forecast", {"days": 7, "unit": unit}
    elif "uv" in lower:
        name, args = "get_forecast", {"days": 2, "unit": unit}
    elif "sunset" in lower or "sunrise" in lower:
        name, args = "get_forecast", {"days": 1, "unit": unit}
    elif days_ahead is not None:
        name, args = "get_forecast", {"days": days_ahead + 1, "unit": unit}
    if not name:
        return []
    return [ToolCallSpec(new_call_id(), name, json.dumps({"location": location, **args}))]
