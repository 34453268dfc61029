"""The `--json` document: exactly one object per `ask`, built from the turn's events."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from weatherbot.events import Done, Event, ToolCallFinished, ToolCallStarted
from weatherbot.redaction import INVISIBLE, redact_value
from weatherbot.text_safety import replace_surrogates

# Characters JSON lets through raw that a terminal or a JavaScript reader would act on: DEL
# and the C1 controls (U+009B is CSI on some terminals), the JavaScript line separators, and
# the invisible characters (bidi overrides reorder what a terminal shows): escaped, as \uXXXX.
_RAW = re.compile(f"[\x7f-\x9f\u2028\u2029{INVISIBLE}]")


def build_json(events: Iterable[Event], backend: str, model: str | None) -> dict[str, Any]:
    """{"answer","backend","model","assistant_id","thread_id","run_id","status","tool_calls","usage"}."""
    started: dict[str, ToolCallStarted] = {}
    calls: list[dict[str, Any]] = []
    done: Done | None = None
    for event in events:
        if isinstance(event, ToolCallStarted):
            started[event.call_id] = event
        elif isinstance(event, ToolCallFinished):
            origin = started.get(event.call_id)
            calls.append(
                {
                    "id": event.call_id,
                    "name": event.name,
                    "arguments": dict(origin.arguments) if origin else {},
                    "output": event.output,
                    "error": event.error,
                    "duration_ms": event.duration_ms,
                }
            )
        elif isinstance(event, Done):
            done = event
    return {
        "answer": done.answer if done else None,
        "backend": backend,
        "model": model,
        "assistant_id": done.ids.assistant_id if done else None,
        "thread_id": done.ids.thread_id if done else None,
        "run_id": done.ids.run_id if done else None,
        "status": done.status if done else None,
        "tool_calls": calls,
        "usage": dict(done.usage) if done and done.usage else None,
    }


def dumps(document: Any) -> str:
    """The document as one line of strict JSON (non-ASCII kept readable).

    JSON has no NaN or Infinity, though Python reads and writes them: a model's `1e999` in
    tool arguments, a server's `NaN` in usage would make the line unreadable to strict parsers
    (jq, JavaScript). They are written as the strings "NaN", "Infinity" and "-Infinity".
    Control characters are escaped (C1 too), an undecodable byte is U+FFFD, and every secret
    weatherbot knows is `[redacted]`.
    """
    # Each string redacted before it is escaped: a key with a NUL or a zero-width space inside
    # is found in the string, not in the JSON text, where the character is six others.
    document = redact_value(document)
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = json.dumps(finite(document), ensure_ascii=False, allow_nan=False)
    # Outside strings the JSON text is ASCII, so these can only be inside strings.
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", replace_surrogates(text))


def finite(value: Any) -> Any:
    """`value` with every float that is not finite replaced by its name as a string."""
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # "NaN", "Infinity", "-Infinity"
    if isinstance(value, Mapping):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value
