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
}


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


def places_in(text: str) -> list[tuple[str, str]]:
    lower = text.lower()
    found = [(lower.index(k), v) for k, v in KNOWN_PLACES.items() if k in lower]
    return [v for _, v in sorted(found)]


def summarise(outputs: list[dict[str, Any]]) -> str:
    """The answer a model writes from tool outputs: facts only, one line per output."""
    lines = []
    for out in outputs:
        if "error" in out:
            lines.append(f"Sorry, I could not get that: {out.get('message', out['error'])}")
        elif "temperature" in out:
            unit = "°F" if out.get("unit") == "Fahrenheit" else "°C"
            lines.append(f"It is {out['temperature']}{unit} in {out['location']}.")
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

    def respond(self, messages: list[dict[str, Any]]) -> Reply:
        self.calls += 1
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
        places = places_in(question)
        if not places:
            # A follow-up ("and tomorrow?") reuses the place of the previous question.
            earlier = [m for m in messages[:last_user] if m["role"] == "user"]
            for m in reversed(earlier):
                places = places_in(str(m["content"]))
                if places:
                    break
        if not places:
            return Reply(text="Which place would you like the weather for?")
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
