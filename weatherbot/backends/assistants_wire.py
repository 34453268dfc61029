"""The Assistants wire protocol's constants and parsers, shared by the backend and its turns."""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from typing import Any

from weatherbot.backends.api_errors import map_openai_error, path_missing, server_message
from weatherbot.errors import APIError, WeatherbotError
from weatherbot.tools.execute import ToolCall

INTERRUPTED_MESSAGE = "cancelled the run; the thread is free for your next question"
INTERRUPTED_UNCONFIRMED = (
    "stopped waiting; the server had not confirmed the cancel yet, so the thread may stay "
    "busy for a moment"
)
ASSISTANT_GONE_NOTICE = "the remembered assistant was deleted on the server; created a new one"
THREAD_GONE_NOTICE = "the thread was deleted on the server; started a new one"
THREAD_LOCKED_NOTICE = "the thread was busy with an unfinished run; cancelled it"
SUNSET_HINT = (
    "OpenAI removed the Assistants API on 2026-08-26; use --backend responses for OpenAI, "
    "or point OPENAI_BASE_URL at a server that still implements it"
)
PENDING = ("queued", "in_progress", "cancelling")
ACTIVE = ("queued", "in_progress", "requires_action", "cancelling")
FAILED_ENDS = ("failed", "expired", "cancelled", "incomplete")
# The SDK's poll helper has no deadline; runs expire server-side after 10 minutes anyway.
POLL_DEADLINE_S = 600.0
# Waiting for a cancel to settle: on Ctrl-C the user should not wait long.
CANCEL_WAIT_S = 5.0
UNLOCK_WAIT_S = 30.0
MAX_SETTLE_POLLS = 100
RUNS_PAGE = 20
_LOCKED_TEXTS = ("already has an active run", "while a run")


class UnaddressableId(APIError):
    """An id of "." or ".." (typed after --thread, from the state file or a server): the SDK
    refuses to put it in a URL path, so no request can name it."""

    def __init__(self, kind: str | None, value: str | None) -> None:
        if kind == "thread":
            hint = (
                f"if `weatherbot thread list` shows it, `weatherbot thread delete {value}` "
                "forgets it; ask without -c or --thread for a new thread; if a new thread "
                "gets such an id too, the server sends bad ids"
            )
        elif kind == "assistant":
            hint = (
                "`weatherbot assistant delete` forgets it, and the next question creates a new "
                "assistant; if that gets such an id too, the server sends bad ids"
            )
        else:
            hint = "the server sent it; if it recurs, the server at OPENAI_BASE_URL sends bad ids"
        name = f"the {kind or 'object'} id {value!r}" if value else "an id weatherbot was given"
        super().__init__(f"{name} cannot be part of a URL", hint=hint)
        self.kind = kind


# How the SDK refuses such a path, and what the collection before the id holds.
_DOT_SEGMENT = re.compile(r"Constructed path '([^']*)' contains dot-segment '([^']*)'")
_KINDS = {"threads": "thread", "assistants": "assistant", "runs": "run", "messages": "message"}


def unaddressable(exc: ValueError) -> UnaddressableId | None:
    """The SDK's refusal of a "." or ".." path segment, naming the id; None for other errors."""
    match = _DOT_SEGMENT.search(str(exc))
    if match is None:
        return UnaddressableId(None, None) if "dot-segment" in str(exc) else None
    path, value = match.groups()
    segments = path.split("/")
    position = segments.index(value)
    return UnaddressableId(_KINDS.get(segments[position - 1]) if position else None, value)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the SDK's Assistants DeprecationWarning: using this API is the point here.

    Also: an id of "." or ".." (typed after --thread, from a hand-edited state file or from a
    server) makes the SDK refuse to build the URL with a ValueError: UnaddressableId says
    which id it is and how to be rid of it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            yield
        except ValueError as exc:
            error = unaddressable(exc)
            if error is None:
                raise
            raise error from None


def message_text(message: Any) -> str:
    """The concatenated text parts of a thread message."""
    parts = []
    for part in getattr(message, "content", None) or []:
        if getattr(part, "type", None) == "text":
            parts.append(str(getattr(getattr(part, "text", None), "value", "") or ""))
    return "".join(parts)


def required_calls(run: Any) -> list[ToolCall]:
    """The tool calls a `requires_action` run waits for."""
    action = getattr(run, "required_action", None)
    submit = getattr(action, "submit_tool_outputs", None)
    calls = []
    for call in getattr(submit, "tool_calls", None) or []:
        function = getattr(call, "function", None)
        calls.append(
            ToolCall(
                str(call.id),
                str(getattr(function, "name", "") or ""),
                getattr(function, "arguments", None),
            )
        )
    return calls


def is_locked(exc: Exception) -> bool:
    import openai

    if not isinstance(exc, openai.BadRequestError):
        return False
    text = server_message(exc)
    return any(marker in text for marker in _LOCKED_TEXTS)


# A 404 about one object (a thread, run or assistant by its id), not the API as a whole.
def endpoint_missing(exc: Exception) -> bool:
    """A 404 that says the Assistants endpoint itself is gone (not a model, not one object)."""
    import openai

    return isinstance(exc, openai.NotFoundError) and path_missing(exc)


def mapped(exc: Exception) -> WeatherbotError:
    """map_openai_error, with a hint about the sunset when the whole API answers 404."""
    error = map_openai_error(exc)
    if endpoint_missing(exc):
        error.hint = SUNSET_HINT
    return error


class BetaResources:
    """The Assistants resources of `client.beta`, without building `client.beta` itself.

    The SDK's Beta class imports agents, chatkit, realtime and beta responses with all their
    types (about 0.8 s of CPU) on first access; this backend uses only assistants and threads.
    """

    def __init__(self, client: Any) -> None:
        from openai.resources.beta.assistants import Assistants
        from openai.resources.beta.threads.threads import Threads

        self.assistants = Assistants(client)
        self.threads = Threads(client)
