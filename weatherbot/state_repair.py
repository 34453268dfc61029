"""Check a loaded state entry by entry: repair what has the wrong type, and keep the originals.

A state file that parses but holds entries of the wrong type (edited by hand, written by a
buggy or foreign version) must not fail every later command (`thread list` sorting "abc"
against floats). `repair` returns the state with every damaged entry fixed or dropped, the
original entries (for the `state.json.damaged-<time>` file the store writes beside it) and a
short description of each problem. A thread is kept whenever it can be: a bad field gets its
default, a bad history entry is dropped, and so is a tool call left without its outputs (which
Chat Completions would refuse for the rest of the conversation). A history over the size caps
(written before they existed) is cut to them the same way, its original kept. A thread's
history is checked when that thread is used (and every history once in a file from before
the caps: see state.HISTORIES_CHECKED).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from weatherbot.history import MAX_HISTORY_MESSAGES, capped, paired_indices, trimmed

SECTIONS = ("assistants", "threads", "last_thread", "servers")
# datetime.fromtimestamp accepts up to the end of year 9999; later or negative is damage.
MAX_TIMESTAMP = 253_402_300_799.0


@dataclass
class Repair:
    """What `repair` found: the originals of damaged entries and what was wrong with them."""

    entries: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def keep(self, section: str, key: str | None, original: Any, problem: str) -> None:
        """Record `original` (a whole section when `key` is None) and the problem found."""
        self.problems.append(problem)
        if key is None:
            self.entries[section] = original
        else:
            bucket = self.entries.setdefault(section, {})
            if isinstance(bucket, dict):
                bucket.setdefault(key, original)


def _timestamp(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= MAX_TIMESTAMP
    )


def _call_problem(call: Any) -> str | None:
    if not isinstance(call, dict) or not isinstance(call.get("id"), str):
        return "a tool call without an id"
    function = call.get("function")
    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
        return "a tool call without a name"
    if not isinstance(function.get("arguments"), str | dict):
        return "a tool call whose arguments are not text"
    return None


def message_problem(entry: Any) -> str | None:
    """What is wrong with a stored history message, or None when it is one."""
    if not isinstance(entry, dict):
        return f"a history entry that is not an object ({type(entry).__name__})"
    role = entry.get("role")
    if role not in ("user", "assistant", "tool"):
        return "a history entry without a valid role"
    content = entry.get("content")
    if not (content is None or isinstance(content, str | list)):
        return "a message whose content is not text"
    calls = entry.get("tool_calls")
    if calls is not None:
        if role != "assistant" or not isinstance(calls, list):
            return "a message with malformed tool calls"
        for call in calls:
            problem = _call_problem(call)
            if problem:
                return problem
    if role == "tool" and not isinstance(entry.get("tool_call_id"), str):
        return "a tool output without the id of its call"
    return None


def _history(history: list[Any]) -> tuple[list[Any], list[str]]:
    """The valid messages of a history (pairs intact) and the problems of the dropped ones."""
    problems: list[str] = []
    valid: list[dict[str, Any]] = []
    for entry in history:
        problem = message_problem(entry)
        if problem:
            problems.append(problem)
        else:
            valid.append(entry)
    keep = paired_indices(valid)
    if len(keep) < len(valid):
        problems.append("tool calls without all their outputs (or outputs without their call)")
    kept = [valid[i] for i in keep]
    # Written before the caps (or by hand): cut now, or every command reads it whole.
    cut = [capped(entry) for entry in kept]
    if any(new is not old for new, old in zip(cut, kept, strict=True)):
        problems.append("a message over the stored size (cut)")
    fitted = trimmed(cut)
    if len(fitted) < len(cut):
        problems.append(f"more than {MAX_HISTORY_MESSAGES} messages (the oldest dropped)")
    return fitted, problems


def _thread(key: str, record: dict[str, Any], found: Repair, history_too: bool) -> dict[str, Any]:
    fixed = dict(record)
    problems: list[str] = []
    if fixed.get("id") != key:
        fixed["id"] = key
        problems.append("id")
    for name in ("backend", "scope"):
        if name in fixed and not isinstance(fixed[name], str):
            del fixed[name]
            problems.append(name)
    if "server" in fixed and not (fixed["server"] is None or isinstance(fixed["server"], str)):
        del fixed["server"]
        problems.append("server")
    _fill_home(fixed)
    if not isinstance(fixed.get("title", ""), str):
        fixed["title"] = ""
        problems.append("title")
    created, used = fixed.get("created_at", 0.0), fixed.get("last_used_at", 0.0)
    if not _timestamp(created):
        problems.append("created_at")
        created = used if _timestamp(used) else 0.0
    if not _timestamp(used):
        problems.append("last_used_at")
        used = created
    fixed["created_at"], fixed["last_used_at"] = created, used
    history = fixed.get("history", [])
    if not isinstance(history, list):
        fixed["history"] = []
        problems.append("history")
    elif history_too:
        fixed["history"], dropped = _history(history)
        problems.extend(dropped)
    if problems:
        found.keep("threads", key, record, f"thread {key}: " + ", ".join(dict.fromkeys(problems)))
    return fixed


def _fill_home(record: dict[str, Any]) -> None:
    """Give a record from before threads knew their home its backend and server.

    Older versions kept them only inside `scope` ("chat|http://host/v1", or "offline" for a
    backend without a server). A record with no scope either keeps them unknown (absent): it
    is then used with the backend and server configured, as those versions did.
    """
    scope = record.get("scope")
    if not isinstance(scope, str) or not scope:
        return
    backend, bar, server = scope.partition("|")
    record.setdefault("backend", backend)
    if "server" not in record:
        record["server"] = server if bar and server else None


def _assistant(key: str, record: Any, found: Repair) -> dict[str, Any] | None:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
        found.keep("assistants", key, record, f"assistant {key}: not an assistant record")
        return None
    fixed = dict(record)
    bad = [n for n in ("fingerprint", "model") if n in fixed and not isinstance(fixed[n], str)]
    if "created_at" in fixed and not _timestamp(fixed["created_at"]):
        bad.append("created_at")
    for name in bad:
        del fixed[name]
    if bad:
        found.keep("assistants", key, record, f"assistant {key}: " + ", ".join(bad))
    return fixed


def _last_thread(data: dict[str, Any], found: Repair) -> dict[str, str]:
    pointers: dict[str, str] = {}
    for scope, thread_id in data["last_thread"].items():
        if isinstance(thread_id, str):
            pointers[scope] = thread_id
        else:
            found.keep("last_thread", scope, thread_id, f"last thread of {scope}: not an id")
    return pointers


def _server(key: str, record: Any, found: Repair) -> dict[str, Any] | None:
    """A server's facts: True/False values and when they were found out; the rest dropped."""
    if not isinstance(record, dict):
        found.keep("servers", key, record, f"server {key}: not a server record")
        return None
    fixed = {n: v for n, v in record.items() if n != "checked_at" and isinstance(v, bool)}
    if _timestamp(record.get("checked_at")):
        fixed["checked_at"] = record["checked_at"]
    if len(fixed) < len(record):
        bad = ", ".join(sorted(str(n) for n in record if n not in fixed))
        found.keep("servers", key, record, f"server {key}: {bad}")
    return fixed


def _rebuild_pointers(data: dict[str, Any]) -> None:
    """Point every scope that lost its last-thread entry at its most recently used thread."""
    newest: dict[str, dict[str, Any]] = {}
    for record in data["threads"].values():
        scope = record.get("scope")
        if isinstance(scope, str) and (
            scope not in newest or record["last_used_at"] > newest[scope]["last_used_at"]
        ):
            newest[scope] = record
    for scope, record in newest.items():
        data["last_thread"].setdefault(scope, record["id"])


def repair(data: dict[str, Any], histories: Collection[str] = ()) -> Repair:
    """Fix `data` (a loaded state with its sections present) in place; what was wrong.

    Only the histories of the threads in `histories` are checked: every command reads the whole
    state, and checking 20,000 messages for `thread list` would cost more than reading them.
    """
    found = Repair()
    for section in SECTIONS:
        if not isinstance(data.get(section), dict):
            found.keep(section, None, data.get(section), f"{section}: not an object")
            data[section] = {}
    threads: dict[str, Any] = {}
    for key, record in data["threads"].items():
        if isinstance(record, dict):
            threads[key] = _thread(key, record, found, key in histories)
        else:
            found.keep("threads", key, record, f"thread {key}: not a thread record")
    data["threads"] = threads
    assistants = {k: _assistant(k, r, found) for k, r in data["assistants"].items()}
    data["assistants"] = {k: r for k, r in assistants.items() if r is not None}
    # Facts are found out again when lost: a damaged one is dropped, never guessed.
    servers = {k: _server(k, r, found) for k, r in data["servers"].items()}
    data["servers"] = {k: r for k, r in servers.items() if r is not None}
    data["last_thread"] = _last_thread(data, found)
    if "last_thread" in found.entries:
        _rebuild_pointers(data)
    return found
