"""The `responses` backend: OpenAI's Responses API, with a server Conversation as the thread.

On servers without the Conversations API (or that ignore `conversation`) a thread is kept
here instead (responses_local); on servers that ignore `background` the requests are plain
ones. Both are found out once per base URL and remembered (server_facts).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from weatherbot.backends.api_errors import cut_mid_answer, endpoint, map_openai_error
from weatherbot.backends.base import Profile, Runtime, ThreadMessage, TurnRequest
from weatherbot.backends.driver import StreamReader, TurnDriver
from weatherbot.backends.local import LocalThreads
from weatherbot.backends.openai_client import LONG_WAIT_S, PollSchedule, SdkClient, long_wait_notice
from weatherbot.backends.responses_local import (
    NO_CONVERSATIONS_NOTICE,
    NO_ENDPOINT,
    is_local,
)
from weatherbot.backends.responses_turn import ResponsesTurn
from weatherbot.backends.responses_wire import (
    ResponsesAPI,
    Wire,
    function_calls,
    get_field,
    get_list,
    get_object,
    get_text,
    item_text,
    output_text,
    wire,
)
from weatherbot.backends.server_facts import BACKGROUND, CONVERSATIONS, learn
from weatherbot.errors import APIError
from weatherbot.events import Event, Message, Notice, RunStatus, TextDelta
from weatherbot.tools.execute import ToolCall, error_output

INTERRUPTED_MESSAGE = "cancelled the response; the conversation is free for your next question"
WHAT = "the model API"
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
    # The request that opened the stream (was `background` sent?).
    body: Mapping[str, Any] = field(default_factory=dict)
    # Asked of the `response.created` response: True stops reading (the step is abandoned).
    stop_if: Callable[[Any], bool] | None = None
    stopped: Any = None


@dataclass
class StepResult:
    """One model step: the final response and what the stream already showed."""

    response: Wire
    calls: list[ToolCall] = field(default_factory=list)
    # Stopped at its first event (stop_if): `response` is that event's, not a final one.
    abandoned: bool = False


class ResponsesBackend(SdkClient):
    """Responses API turns on a Conversation: background polling or raw SSE streaming."""

    name = "responses"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._active_id: str | None = None
        self._active_background = False
        self._active_stream: Any = None
        # Said once, at the start of the next turn (create_thread cannot yield events).
        self._notices: list[str] = []
        # Conversations this backend made: only these may be deleted when found unusable.
        self._created: set[str] = set()

    @property
    def api(self) -> ResponsesAPI:
        """The Responses and Conversations calls on this backend's SDK client."""
        return ResponsesAPI(self.client)

    def ensure_assistant(
        self, profile: Profile, remembered: Mapping[str, Any] | None
    ) -> str | None:
        """The assistant is the local profile, sent with every request: nothing to create."""
        return None

    def keeps_locally(self, thread_id: str) -> bool:
        """Whether the thread's context is kept here and sent with each request: a local id,
        or a Conversation on a server found to ignore `conversation`."""
        return is_local(thread_id) or self.runtime.facts.get(CONVERSATIONS) is False

    def take_notices(self) -> list[str]:
        """The notices waiting for the next turn (and none after that)."""
        notices, self._notices = self._notices, []
        return notices

    def create_thread(self) -> str:
        """A new server Conversation, or a local thread where the server has none."""
        import openai

        if self.runtime.facts.get(CONVERSATIONS) is False:
            return LocalThreads().create_thread()
        try:
            conversation = self.api.create_conversation({"app": "weatherbot"})
        except openai.APIStatusError as exc:
            if exc.status_code not in NO_ENDPOINT:
                raise map_openai_error(exc) from None
            learn(self.runtime.facts, CONVERSATIONS, False)
            self._notices.append(
                NO_CONVERSATIONS_NOTICE.format(
                    request=endpoint(exc) or "POST /conversations", status=exc.status_code
                )
            )
            return LocalThreads().create_thread()
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None
        self._created.add(str(conversation.id))
        return str(conversation.id)

    def made_here(self, thread_id: str) -> bool:
        """Whether this backend created the Conversation (for the question being asked)."""
        return thread_id in self._created

    def discard_conversation(self, thread_id: str) -> None:
        """Delete a Conversation this backend made and no one will use (best effort: it is
        empty); one the user named is never deleted."""
        import openai

        if not self.made_here(thread_id):
            return

        with contextlib.suppress(openai.OpenAIError, APIError):
            self.api.delete_conversation(thread_id)

    def delete_thread(self, thread_id: str) -> bool | None:
        """Delete the Conversation; False when it was already gone, None for a local thread."""
        import openai

        if is_local(thread_id):
            return None
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
        """The Conversation's user and assistant messages, oldest first (the stored history
        for a thread kept here)."""
        import openai

        if self.keeps_locally(thread_id) and (history or is_local(thread_id)):
            return LocalThreads().thread_messages(thread_id, history)
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
        return driver.run(ResponsesTurn(self, request), request)

    def _body(self, base: dict[str, Any], inputs: list[Any]) -> dict[str, Any]:
        body = {**base, "input": inputs}
        # Sent until the server is found to ignore it (then there is nothing to poll or resume).
        if self.runtime.facts.get(BACKGROUND) is not False:
            body["background"] = True
        return body

    def _in_background(self, body: Mapping[str, Any], response: Any) -> bool:
        """Whether the response runs in the background; learns whether the server honours it.

        A server that ignores `background: true` answers `"background": null` (or false, or
        nothing), already finished: that reply is the final one.
        """
        if not body.get("background"):
            return False
        facts = self.runtime.facts
        if get_field(response, "background") is True:
            learn(facts, BACKGROUND, True)
            return True
        if facts.get(BACKGROUND) is not True:
            learn(facts, BACKGROUND, False)
        return False

    def _polled(
        self, base: dict[str, Any], inputs: list[Any]
    ) -> Generator[Event, None, StepResult]:
        body = self._body(base, inputs)
        response, headers = self.api.create(body)
        self._active_id = str(response.id)
        self._active_background = self._in_background(body, response)
        yield RunStatus(get_text(response, "status") or "queued")
        # A reply still pending is polled even when not in the background: that costs nothing
        # where it is final (the loop does not start), and finishes it where it is not.
        response = yield from self._poll(response, headers)
        self._active_id = None
        return StepResult(response, function_calls(get_list(response, "output")))

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

    def _streamed(
        self,
        base: dict[str, Any],
        inputs: list[Any],
        stop_if: Callable[[Any], bool] | None = None,
    ) -> Generator[Event, None, StepResult]:
        # Background where honoured, so that a cut stream can be resumed (and Ctrl-C cancels).
        read = _StreamRead()
        body = self._body(base, inputs)
        stream: Any = self.api.stream(body)
        # Until the first event says otherwise (a server that ignores `background`).
        self._active_id, self._active_background = None, bool(body.get("background"))
        read.body, read.stop_if = body, stop_if
        resumes = 0
        while True:
            self._active_stream = stream
            reader = StreamReader(stream)
            try:
                yield from self._read_events(reader, read)
            finally:
                self._active_stream = None
                stream.close()
            if read.stopped is not None:
                self._cancel_active()
                return StepResult(read.stopped, abandoned=True)
            resumable = self._resumable()
            if read.final is not None or reader.cut is None or resumable is None:
                break
            if resumes >= MAX_STREAM_RESUMES:
                break
            resumes += 1
            stream = self._resume(resumable, read.sequence)
            if stream is None:
                break
        final = read.final
        resumable = self._resumable()
        if final is None:
            if resumable is None:
                # Nothing on the server to resume or poll (not started, or not in the
                # background): one line, and the text shown so far said to be incomplete.
                if reader.cut is not None:
                    raise cut_mid_answer(reader.cut, WHAT) if read.shown else reader.cut
                started = self._active_id is not None
                raise APIError(
                    "the response stream ended before the response "
                    + ("finished" if started else "started"),
                    hint="try again in a moment",
                )
            # The stream ended before its terminal event and cannot be resumed: poll by id.
            final, headers = self.api.retrieve(resumable)
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
        return StepResult(final, final_calls)

    def _resumable(self) -> str | None:
        """The id of the response to resume or poll: only a background one can be."""
        return self._active_id if self._active_background else None

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
                if kind == "response.created" and response is not None:
                    self._active_background = self._in_background(read.body, response)
                    if read.stop_if is not None and read.stop_if(response):
                        read.stopped = response
                        return
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
        return self.api.answer_open_calls(thread_id, error_output("cancelled", reason))
