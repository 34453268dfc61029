"""The `responses` backend: OpenAI's Responses API, with a server Conversation as the thread."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from weatherbot.backends.base import Profile, Runtime, ThreadMessage, TurnRequest
from weatherbot.backends.driver import Step, StreamReader, TurnDriver
from weatherbot.backends.openai_client import (
    LONG_WAIT_S,
    PollSchedule,
    SdkClient,
    long_wait_notice,
    map_openai_error,
    server_message,
    usage_dict,
)
from weatherbot.backends.responses_wire import (
    ResponsesAPI,
    Wire,
    function_calls,
    get_field,
    get_list,
    get_object,
    get_text,
    item_text,
    open_calls,
    output_text,
    responses_tools,
    wire,
)
from weatherbot.errors import APIError, WeatherbotError
from weatherbot.events import Done, Event, Ids, Message, Notice, RunStatus, TextDelta
from weatherbot.tools.execute import ToolCall, ToolResult, error_output

INTERRUPTED_MESSAGE = "cancelled the response; the conversation is free for your next question"
THREAD_GONE_NOTICE = "the conversation was deleted on the server; started a new one"
OPEN_CALLS_NOTICE = "an interrupted turn had left tool calls open in this conversation; closed them"
INTERRUPTED_TURN = "the turn that asked for this was interrupted before the tool answered"
# How the API refuses a new response while the conversation has a function call unanswered.
_OPEN_CALLS = re.compile(r"no tool output found for function call", re.IGNORECASE)
PENDING = ("queued", "in_progress")
# How many times a cut stream is picked up again (`starting_after`) before falling back to polls.
MAX_STREAM_RESUMES = 3
# The SDK has no poll deadline; a response still running after this long is cancelled.
POLL_DEADLINE_S = 600.0


@dataclass
class _StreamRead:
    """What a response's stream (and its resumptions) showed so far."""

    shown: list[str] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    status: str | None = None
    sequence: int | None = None
    final: Any = None


@dataclass
class _Step:
    """One model step: the final response and what the stream already showed."""

    response: Wire
    calls: list[ToolCall] = field(default_factory=list)


class ResponsesBackend(SdkClient):
    """Responses API turns on a Conversation: background polling or raw SSE streaming."""

    name = "responses"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._active_id: str | None = None
        self._active_background = False
        self._active_stream: Any = None

    @property
    def api(self) -> ResponsesAPI:
        """The Responses and Conversations calls on this backend's SDK client."""
        return ResponsesAPI(self.client)

    def ensure_assistant(
        self, profile: Profile, remembered: Mapping[str, Any] | None
    ) -> str | None:
        """The assistant is the local profile, sent with every request: nothing to create."""
        return None

    def create_thread(self) -> str:
        """A new server Conversation."""
        import openai

        try:
            conversation = self.api.create_conversation({"app": "weatherbot"})
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None
        return str(conversation.id)

    def delete_thread(self, thread_id: str) -> bool:
        """Delete the Conversation; False when it was already gone."""
        import openai

        try:
            self.api.delete_conversation(thread_id)
        except openai.NotFoundError:
            return False
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None
        return True

    def delete_assistant(self, assistant_id: str) -> None:
        """Nothing on the server to delete."""

    def thread_messages(self, thread_id: str, history: list[Message]) -> list[ThreadMessage]:
        """The Conversation's user and assistant messages, oldest first."""
        import openai

        out = []
        try:
            for item in self.api.conversation_items(thread_id, order="asc"):
                role = get_text(item, "role")
                if get_text(item, "type") != "message" or role not in ("user", "assistant"):
                    continue
                text = item_text(item)
                if text.strip():
                    out.append(ThreadMessage(str(role), text))
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None
        return out

    # -- one turn ---------------------------------------------------------------------------

    def run_turn(self, request: TurnRequest) -> Iterator[Event]:
        """Create responses on the Conversation, answering function calls, until a reply."""
        driver = TurnDriver(self.runtime.registry, INTERRUPTED_MESSAGE)
        return driver.run(_ResponsesTurn(self, request), request)

    def _polled(self, base: dict[str, Any], inputs: list[Any]) -> Generator[Event, None, _Step]:
        response, headers = self.api.create({**base, "input": inputs, "background": True})
        self._active_id, self._active_background = str(response.id), True
        yield RunStatus(get_text(response, "status") or "queued")
        response = yield from self._poll(response, headers)
        self._active_id = None
        return _Step(response, function_calls(get_list(response, "output")))

    def _poll(self, response: Wire, headers: Mapping[str, str]) -> Generator[Event, None, Wire]:
        schedule = PollSchedule(self.runtime.sleep)
        started = self.runtime.clock()
        status = get_text(response, "status")
        noted = False
        while status in PENDING:
            waited = self.runtime.clock() - started
            if waited > LONG_WAIT_S and not noted:
                noted = True
                yield Notice(long_wait_notice("response", str(status), POLL_DEADLINE_S))
            if waited > POLL_DEADLINE_S:
                self._cancel_active()
                raise APIError(
                    f"the response was still {status} after "
                    f"{int(POLL_DEADLINE_S)} s, so weatherbot cancelled it",
                    hint="try again in a moment",
                )
            schedule.wait(headers)
            response, headers = self.api.retrieve(str(response.id))
            if get_text(response, "status") != status:
                status = get_text(response, "status")
                yield RunStatus(status or "unknown")
        return response

    def _streamed(self, base: dict[str, Any], inputs: list[Any]) -> Generator[Event, None, _Step]:
        # Background, so that a cut stream can be resumed (and Ctrl-C can cancel it).
        read = _StreamRead()
        stream: Any = self.api.stream({**base, "input": inputs, "background": True})
        self._active_id, self._active_background = None, True
        resumes = 0
        while True:
            self._active_stream = stream
            reader = StreamReader(stream)
            try:
                yield from self._read_events(reader, read)
            finally:
                self._active_stream = None
                stream.close()
            if read.final is not None or reader.cut is None or self._active_id is None:
                break
            if resumes >= MAX_STREAM_RESUMES:
                break
            resumes += 1
            stream = self._resume(self._active_id, read.sequence)
            if stream is None:
                break
        final = read.final
        if final is None:
            if self._active_id is None:
                if reader.cut is not None:
                    raise reader.cut
                raise APIError(
                    "the response stream ended before the response started",
                    hint="try again in a moment",
                )
            # The stream ended before its terminal event and cannot be resumed: poll by id.
            final, headers = self.api.retrieve(self._active_id)
            final = yield from self._poll(final, headers)
            rest = output_text(final)
            already = "".join(read.shown)
            if (
                get_text(final, "status") == "completed"
                and rest.startswith(already)
                and rest != already
            ):
                yield TextDelta(rest[len(already) :])
        self._active_id = None
        final_calls = function_calls(get_list(final, "output"))
        known = {c.call_id for c in final_calls}
        final_calls.extend(c for c in read.calls if c.call_id not in known)
        return _Step(final, final_calls)

    def _resume(self, response_id: str, after: int | None) -> Any:
        """The background response's stream after event `after`; None if it cannot resume."""
        import openai

        try:
            return self.api.resume_stream(response_id, after)
        except openai.APIStatusError:
            return None

    def _read_events(self, reader: StreamReader, read: _StreamRead) -> Generator[Event, None, None]:
        # Raw events, not `.stream()`: that helper breaks on servers that skip events.
        for raw_event in reader:
            event = wire(raw_event)
            kind = get_text(event, "type")
            sequence = get_field(event, "sequence_number")
            if isinstance(sequence, int):
                read.sequence = sequence
            response = get_object(event, "response")
            if kind in ("response.created", "response.queued", "response.in_progress"):
                self._active_id = get_text(response, "id") or self._active_id
                status = get_text(response, "status")
                if status and status != read.status:
                    read.status = status
                    yield RunStatus(status)
            elif kind == "response.output_text.delta":
                delta = get_text(event, "delta")
                if delta:
                    read.shown.append(delta)
                    yield TextDelta(delta)
            elif kind == "response.output_item.done":
                read.calls.extend(function_calls([get_field(event, "item")]))
            elif kind in ("response.completed", "response.failed", "response.incomplete"):
                status = get_text(response, "status") or kind.rpartition(".")[2]
                # The event's kind stands in for a status the response does not carry.
                read.final = Wire({**(response or {}), "status": status})
                if status != read.status:
                    yield RunStatus(status)
                return
            elif kind == "error":
                message = get_text(event, "message") or "an error event ended the stream"
                raise APIError(f"the model API failed: {message}", hint="try again in a moment")

    # -- cancellation -----------------------------------------------------------------------

    def _close_stream(self) -> None:
        stream, self._active_stream = self._active_stream, None
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()

    def _cancel_active(self) -> None:
        import openai

        self._close_stream()
        response_id, self._active_id = self._active_id, None
        # Only background responses can be cancelled; a stream is just closed.
        if response_id and self._active_background:
            with contextlib.suppress(openai.OpenAIError):
                self.api.cancel(response_id)

    def _settle_calls(self, thread_id: str, reason: str) -> bool:
        """Answer any function call left unanswered in the Conversation; True if there were any.

        An orphan call makes every later response on the Conversation fail with
        "No tool output found for function call ...", so the thread would be stuck.
        """
        import openai

        try:
            orphans = open_calls(list(self.api.conversation_items(thread_id)))
            if not orphans:
                return False
            output = error_output("cancelled", reason)
            self.api.add_items(
                thread_id,
                [
                    {"type": "function_call_output", "call_id": call_id, "output": output}
                    for call_id in orphans
                ],
            )
        except openai.OpenAIError:
            return False
        return True


class _ResponsesTurn:
    """One turn's protocol steps: a response per step on the Conversation."""

    def __init__(self, backend: ResponsesBackend, request: TurnRequest) -> None:
        profile = backend.runtime.profile
        self.backend = backend
        self.request = request
        self.thread_id = request.thread_id
        self.base: dict[str, Any] = {
            "model": profile.model,
            "instructions": profile.instructions,
            "tools": responses_tools(profile.tools),
            "conversation": request.thread_id,
            "store": True,
        }
        self.response: Any = None

    def start(self) -> Generator[Event, None, Step]:
        """The question as the first input; a Conversation deleted on the server is renewed."""
        import openai

        inputs: list[Any] = [{"role": "user", "content": self.request.question}]
        try:
            return (yield from self._step(inputs))
        except openai.NotFoundError as exc:
            if "conversation" not in server_message(exc).lower():
                raise
            self.thread_id = self.base["conversation"] = self.backend.create_thread()
            yield Notice(THREAD_GONE_NOTICE)
        except openai.BadRequestError as exc:
            if not _OPEN_CALLS.search(server_message(exc)):
                raise
            # A turn killed in its tool step (no chance to clean up) left calls unanswered.
            if not self.backend._settle_calls(self.thread_id, INTERRUPTED_TURN):
                raise
            yield Notice(OPEN_CALLS_NOTICE)
        return (yield from self._step(inputs))

    def resume(self, results: Sequence[ToolResult]) -> Generator[Event, None, Step]:
        """With `conversation`, the calls are already in it: send only the outputs."""
        return self._step(
            [
                {"type": "function_call_output", "call_id": r.call_id, "output": r.output}
                for r in results
            ]
        )

    def _step(self, inputs: list[Any]) -> Generator[Event, None, Step]:
        if self.request.stream:
            done = yield from self.backend._streamed(self.base, inputs)
        else:
            done = yield from self.backend._polled(self.base, inputs)
        response = self.response = done.response
        status = get_text(response, "status") or "completed"
        reason = None
        if status == "failed":
            reason = get_text(get_object(response, "error"), "message")
        elif status == "incomplete":
            reason = get_text(get_object(response, "incomplete_details"), "reason")
        elif status == "cancelled":
            reason = "the response was cancelled on the server"
        return Step(status, output_text(response), done.calls, reason)

    def finish(self, step: Step) -> Done:
        """The answer with the response's id and usage."""
        response = self.response
        usage = usage_dict(get_object(response, "usage"))
        return Done(
            step.text, Ids(None, self.thread_id, get_text(response, "id")), "completed", usage
        )

    def cancel(self, reason: str) -> bool:
        """Cancel the background response and answer its open calls, so the thread stays usable."""
        self.backend._cancel_active()
        self.backend._settle_calls(self.thread_id, reason)
        return True

    def map_error(self, exc: Exception) -> WeatherbotError | None:
        """SDK errors as one-line WeatherbotErrors."""
        import openai

        return map_openai_error(exc) if isinstance(exc, openai.OpenAIError) else None

    def close(self) -> None:
        """Close a stream left open."""
        self.backend._close_stream()
