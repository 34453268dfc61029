"""The event union every backend yields and every renderer consumes (no SDK types here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Ids:
    """Server-side (or local) identifiers of one turn; None where a backend has none."""

    assistant_id: str | None = None
    thread_id: str | None = None
    run_id: str | None = None


@dataclass(frozen=True)
class RunStatus:
    """The run or response moved to a new status (queued, in_progress, requires_action...)."""

    status: str


@dataclass(frozen=True)
class TextDelta:
    """A piece of the answer's text, in arrival order."""

    text: str


@dataclass(frozen=True)
class ToolCallStarted:
    """The model asked for a tool call; `arguments` is the parsed object (or {} if unparsable)."""

    call_id: str
    name: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True)
class ToolCallFinished:
    """A tool call finished; `output` is the exact string sent back to the model."""

    call_id: str
    name: str
    output: str
    error: str | None
    duration_ms: int


@dataclass(frozen=True)
class Notice:
    """A one-line warning or status message for stderr (assistant re-created, fallback...)."""

    text: str


@dataclass(frozen=True)
class Done:
    """The turn ended successfully; exactly one per turn."""

    answer: str
    ids: Ids
    status: str = "completed"
    usage: Mapping[str, Any] | None = None
    # Local-history backends (chat, offline) return the messages this turn added.
    history: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)


Event = RunStatus | TextDelta | ToolCallStarted | ToolCallFinished | Notice | Done
