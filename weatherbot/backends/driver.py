"""The turn driver: the loop every backend shares (tool rounds, caps, end states, errors).

A backend supplies the protocol steps only (`TurnSteps`): start the turn with the question,
continue it with tool outputs, cancel it. Each step runs the model once (by polling or by
streaming, yielding status and text events) and says what it produced: text, tool calls and
an end status. The driver runs the tool calls of a step concurrently, enforces the round cap,
turns end states into RunFailed, SDK errors into one-line WeatherbotErrors, and Ctrl-C into a
cancel followed by Interrupted. Shape after openai-agents-python: the runner owns the loop,
a model does one step.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from weatherbot.backends.base import MAX_TOOL_ROUNDS, TurnRequest
from weatherbot.errors import APIError, Interrupted, RunFailed, WeatherbotError
from weatherbot.events import Done, Event
from weatherbot.redaction import shortened
from weatherbot.tools.execute import ToolCall, ToolResult, run_tool_calls
from weatherbot.tools.registry import ToolRegistry

TOO_MANY_ROUNDS = f"the model kept calling tools for {MAX_TOOL_ROUNDS} rounds without answering"
TOO_MANY_ROUNDS_HINT = "ask a simpler question, or try another model"
EMPTY_ANSWER = "the model's reply had no answer in it"
EMPTY_ANSWER_HINT = "try again; if it keeps happening, check OPENAI_BASE_URL and the model name"


@dataclass
class Step:
    """What one model step produced: its status, text and the tool calls it asks for."""

    status: str = "completed"
    text: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    # Why a failed/incomplete step ended, as the server said it.
    reason: str | None = None
    usage: Mapping[str, Any] | None = None


class TurnSteps(Protocol):
    """The protocol steps of one turn on one backend; the driver calls them in order."""

    def start(self) -> Generator[Event, None, Step]:
        """Send the question and run the model's first step."""
        ...

    def resume(self, results: Sequence[ToolResult]) -> Generator[Event, None, Step]:
        """Send all outputs of the last step's tool calls at once; run the next step."""
        ...

    def finish(self, step: Step) -> Done:
        """The Done event of a completed turn (answer, ids, usage, history)."""
        ...

    def cancel(self, reason: str) -> bool:
        """Stop the turn on the server and leave the thread usable; True once confirmed."""
        ...

    def map_error(self, exc: Exception) -> WeatherbotError | None:
        """A WeatherbotError for a protocol (SDK) exception; None for anything else."""
        ...

    def close(self) -> None:
        """Release what the turn holds open (a stream)."""
        ...


# What each failed end state means for the user; `reason` from the server goes first.
END_STATES: dict[str, tuple[str | None, str | None]] = {
    "failed": (None, "try again in a moment"),
    "expired": (
        "the run passed its 10-minute limit on the server",
        "ask again; the thread is free",
    ),
    "cancelled": ("the run was cancelled on the server", None),
    "incomplete": (None, "ask for less at once, or try again"),
}


def raise_for_status(step: Step) -> None:
    """RunFailed for a step that did not complete (failed, expired, cancelled, incomplete)."""
    if step.status == "completed":
        return
    if step.status not in END_STATES:
        raise APIError(f"the run stopped in an unexpected status {step.status!r}")
    default_reason, hint = END_STATES[step.status]
    raise RunFailed(step.status, step.reason or default_reason, hint=hint)


def _still_sending(exc: Exception) -> bool:
    from weatherbot.backends.transport import DeadlinePassed

    return isinstance(exc, DeadlinePassed)


def _at(stream: Any) -> str:
    url = getattr(getattr(getattr(stream, "response", None), "request", None), "url", None)
    return "" if url is None else f" at {url.scheme}://{url.netloc.decode('ascii', 'replace')}"


class StreamReader:
    """Reads an SDK event stream; a connection lost mid-way ends it like EOF and is kept in `cut`.

    A dropped Wi-Fi, a proxy timeout or a restarted server closes an SSE body in the middle
    of a chunk (the SDK raises APIConnectionError), while the run or response goes on on the
    server: the backend then finishes the step another way (poll it, resume its stream, ask
    again) and shows only the text not shown yet. A stream past its overall deadline is not
    a cut: it is raised.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.cut: Exception | None = None

    def __iter__(self) -> Iterator[Any]:
        import openai

        from weatherbot.backends.transport import DeadlinePassed

        try:
            yield from self.stream
        except DeadlinePassed:
            raise
        except openai.APIConnectionError as exc:
            self.cut = exc
        except json.JSONDecodeError as exc:
            # An event whose data is not JSON (a proxy's page in the middle of a stream).
            raise APIError(
                f"the model API{_at(self.stream)} sent a stream event that is not JSON "
                f"({' '.join(shortened(exc.doc, 4096).split())[:40]!r})",
                hint="check OPENAI_BASE_URL: it should be an OpenAI-compatible API",
            ) from None


@dataclass
class TurnDriver:
    """Runs one turn: steps, tool rounds and every way a turn can end."""

    registry: ToolRegistry
    interrupted_message: str
    unconfirmed_message: str | None = None
    max_rounds: int = MAX_TOOL_ROUNDS

    def run(self, steps: TurnSteps, request: TurnRequest) -> Iterator[Event]:
        """The turn's events; ends in exactly one Done or raises a WeatherbotError."""
        try:
            step = yield from steps.start()
            rounds = 0
            while True:
                if step.status != "completed":
                    steps.cancel(f"the response ended {step.status}")
                    raise_for_status(step)
                if not step.calls:
                    break
                if rounds >= self.max_rounds:
                    steps.cancel("too many tool rounds; the request was stopped")
                    raise APIError(TOO_MANY_ROUNDS, hint=TOO_MANY_ROUNDS_HINT)
                rounds += 1
                results = yield from run_tool_calls(step.calls, self.registry, request.tool_context)
                step = yield from steps.resume(results)
            done = steps.finish(step)
            if not done.answer.strip():
                # A reply with neither text nor tool calls (`{}`, `choices: []`, a model that
                # stopped at once) would print nothing and exit 0 as if it had answered.
                raise APIError(EMPTY_ANSWER, hint=EMPTY_ANSWER_HINT)
            yield done
        except KeyboardInterrupt:
            confirmed = steps.cancel("the user cancelled this request")
            message = self.interrupted_message
            if not confirmed and self.unconfirmed_message:
                message = self.unconfirmed_message
            raise Interrupted(message) from None
        except GeneratorExit:
            # The consumer stopped listening (Ctrl-C while rendering): free the thread.
            steps.cancel("the user cancelled this request")
            raise
        except WeatherbotError:
            raise
        except Exception as exc:
            mapped = steps.map_error(exc)
            if mapped is None:
                raise
            if _still_sending(exc):
                # The server is up but would not stop: free the thread for the next question.
                steps.cancel("the response took too long; the request was stopped")
            raise mapped from None
        finally:
            steps.close()
