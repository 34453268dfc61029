"""Local histories as stored: size caps per message, a cap on messages per thread, valid pairs.

A thread's local history (chat and offline backends) lives in state.json and is read whole by
every command, so it is bounded: the text of one message, the arguments of one tool call and
the number of messages kept per thread. The answer shown to the user is never cut; only what is
stored. The stored history is sent back to Chat Completions servers, which refuse an assistant
message with tool calls not followed by one tool message per call, so trimming never splits a
call from its outputs.

Entries are the stored (Chat Completions wire) dicts that `events.Message.to_dict` makes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

# Stored characters of a question or answer (a 50 MB answer would make every command slow).
MAX_TEXT_CHARS = 32_000
# Stored characters of one tool output: weather outputs are well under 2,000.
MAX_TOOL_OUTPUT_CHARS = 8_000
# Stored characters of one tool call's arguments (the model's JSON).
MAX_ARGUMENTS_CHARS = 8_000
# Messages kept per thread: about 30 questions with their tool rounds.
MAX_HISTORY_MESSAGES = 200


def cut_note(dropped: int) -> str:
    """The note put where stored text was cut."""
    return f"… [cut: {dropped:,} characters not stored]"


# Room left for the note inside the limit, so cut text is within it and never cut again.
NOTE_ROOM = 64


def cut(text: str, limit: int) -> str:
    """`text`, or its start and a note saying how much was left out: `limit` characters at most."""
    if len(text) <= limit:
        return text
    kept = limit - NOTE_ROOM
    return text[:kept] + cut_note(len(text) - kept)


def _capped_call(call: Any) -> Any:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict):
        return call
    arguments = function.get("arguments")
    if not isinstance(arguments, str) or len(arguments) <= MAX_ARGUMENTS_CHARS:
        return call
    # Cut arguments would not be JSON any more, and some servers parse them when the history
    # comes back: store a JSON object that says what was left out instead.
    note = json.dumps({"cut": cut_note(len(arguments))}, ensure_ascii=False)
    return {**call, "function": {**function, "arguments": note}}


def capped(entry: dict[str, Any]) -> dict[str, Any]:
    """A stored message with its text and tool-call arguments within the caps."""
    limit = MAX_TOOL_OUTPUT_CHARS if entry.get("role") == "tool" else MAX_TEXT_CHARS
    content = entry.get("content")
    out = entry
    if isinstance(content, str) and len(content) > limit:
        out = {**out, "content": cut(content, limit)}
    calls = entry.get("tool_calls")
    if isinstance(calls, list) and calls:
        fitted = [_capped_call(c) for c in calls]
        if any(new is not old for new, old in zip(fitted, calls, strict=True)):
            out = {**out, "tool_calls": fitted}
    return out


def paired_indices(history: Sequence[dict[str, Any]]) -> list[int]:
    """Indices of the messages to keep so every tool call is followed by all its outputs.

    An assistant message that asked for tools is kept only with a tool message for each of its
    calls right after it; a tool message is kept only as one of those.
    """
    keep: list[int] = []
    i, n = 0, len(history)
    while i < n:
        message = history[i]
        calls = message.get("tool_calls") if message.get("role") == "assistant" else None
        if message.get("role") == "tool":
            i += 1  # an output whose call is not right before it
            continue
        if not calls:
            keep.append(i)
            i += 1
            continue
        wanted = {c.get("id") for c in calls if isinstance(c, dict)}
        answered: dict[Any, int] = {}
        j = i + 1
        while j < n and history[j].get("role") == "tool":
            call_id = history[j].get("tool_call_id")
            if call_id in wanted and call_id not in answered:
                answered[call_id] = j
            j += 1
        if wanted and wanted <= answered.keys():
            keep.append(i)
            keep.extend(sorted(answered.values()))
        i = j
    return keep


def trimmed(
    history: list[dict[str, Any]], limit: int = MAX_HISTORY_MESSAGES
) -> list[dict[str, Any]]:
    """The last `limit` messages at most, starting at a question so no call loses its outputs."""
    if len(history) <= limit:
        return history
    window = history[len(history) - limit :]
    start = next((k for k, m in enumerate(window) if m.get("role") == "user"), None)
    if start is not None:
        return window[start:]
    # No question in the window (one turn longer than the cap): keep whole call groups only.
    return [window[k] for k in paired_indices(window)]
