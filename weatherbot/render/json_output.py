"""The `--json` document: exactly one object per `ask`, built from the turn's events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from weatherbot.events import Done, Event, ToolCallFinished, ToolCallStarted


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


def dumps(document: dict[str, Any]) -> str:
    """The document as one line of JSON (non-ASCII kept readable)."""
    return json.dumps(document, ensure_ascii=False)
