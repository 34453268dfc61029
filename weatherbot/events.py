"""The event union every backend yields and every renderer consumes (no SDK types here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from weatherbot.tools.outputs import ToolOutput


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
    """A tool call finished: `output` is the exact string sent to the model, `value` its data."""

    call_id: str
    name: str
    output: str
    error: str | None
    duration_ms: int
    # What the tool returned (or the error it became), so no one parses `output` again.
    value: ToolOutput | None = None


@dataclass(frozen=True)
class Notice:
    """A one-line warning or status message for stderr (assistant re-created, fallback...)."""

    text: str


@dataclass(frozen=True)
class CallRecord:
    """A tool call as a history keeps it: arguments as the JSON text the model sent."""

    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Message:
    """One message of a local history (chat and offline keep threads in the state store)."""

    role: Literal["user", "assistant", "tool"]
    content: str = ""
    # An assistant message that asked for tools; a tool message answers one call.
    tool_calls: tuple[CallRecord, ...] = ()
    tool_call_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored (and Chat Completions wire) form."""
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["content"] = self.content or None
            out["tool_calls"] = [
                {
                    "id": c.call_id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for c in self.tool_calls
            ]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message | None:
        """A stored message, or None when the entry is not one (damaged or from elsewhere)."""
        role = data.get("role")
        if role not in ("user", "assistant", "tool"):
            return None
        calls = []
        for raw in data.get("tool_calls") or ():
            function = raw.get("function") if isinstance(raw, Mapping) else None
            if not isinstance(function, Mapping):
                continue
            arguments = function.get("arguments")
            calls.append(
                CallRecord(
                    str(raw.get("id") or ""),
                    str(function.get("name") or ""),
                    arguments if isinstance(arguments, str) else "{}",
                )
            )
        call_id = data.get("tool_call_id")
        return cls(
            role,
            _text(data.get("content")),
            tuple(calls),
            str(call_id) if call_id is not None else None,
        )


def _text(content: Any) -> str:
    """Stored content: a string, or a list of text parts (older or foreign entries)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list | tuple):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    return ""


@dataclass(frozen=True)
class Done:
    """The turn ended successfully; exactly one per turn."""

    answer: str
    ids: Ids
    status: str = "completed"
    usage: Mapping[str, Any] | None = None
    # Local-history backends (chat, offline) return the messages this turn added.
    history: tuple[Message, ...] = field(default_factory=tuple)


Event = RunStatus | TextDelta | ToolCallStarted | ToolCallFinished | Notice | Done
