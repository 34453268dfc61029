"""The `assistants` backend: the original Assistants API flow (assistant, thread, run).

OpenAI shut the Assistants API down on 2026-08-26; this backend is for servers that still
speak its wire API (see reference/openai-protocols.md section a.3). Runs are driven by
polling (honouring `openai-poll-after-ms`) or by raw SSE streams; every `requires_action`
is answered with all tool outputs in one `submit_tool_outputs` call.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weatherbot.backends.base import (
    MAX_TOOL_ROUNDS,
    Profile,
    Runtime,
    ThreadMessage,
    TurnRequest,
)
from weatherbot.backends.openai_client import (
    PollSchedule,
    SdkClient,
    map_openai_error,
    nested_tools,
    server_message,
    usage_dict,
)
from weatherbot.errors import APIError, Interrupted, RunFailed, WeatherbotError
from weatherbot.events import Done, Event, Ids, Notice, RunStatus, TextDelta
from weatherbot.tools.execute import ToolCall, run_tool_calls

if TYPE_CHECKING:
    pass

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


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the SDK's Assistants DeprecationWarning: using this API is the point here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


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


def _is_locked(exc: Exception) -> bool:
    import openai

    if not isinstance(exc, openai.BadRequestError):
        return False
    text = server_message(exc)
    return any(marker in text for marker in _LOCKED_TEXTS)


def _mapped(exc: Exception) -> WeatherbotError:
    """map_openai_error, with a hint about the sunset when the whole API answers 404."""
    import openai

    error = map_openai_error(exc)
    if isinstance(exc, openai.NotFoundError):
        error.hint = SUNSET_HINT
    return error


def _raise_for_end_state(run: Any) -> None:
    status = str(getattr(run, "status", ""))
    if status == "failed":
        error = getattr(run, "last_error", None)
        raise RunFailed("failed", getattr(error, "message", None), hint="try again in a moment")
    if status == "expired":
        raise RunFailed(
            "expired",
            "the run passed its 10-minute limit on the server",
            hint="ask again; the thread is free",
        )
    if status == "cancelled":
        raise RunFailed("cancelled", "the run was cancelled on the server")
    if status == "incomplete":
        details = getattr(run, "incomplete_details", None)
        raise RunFailed(
            "incomplete",
            getattr(details, "reason", None),
            hint="ask for less at once, or try again",
        )
    if status != "completed":
        raise APIError(f"the run stopped in an unexpected status {status!r}")


@dataclass
class _Turn:
    """What one turn knows so far: ids, the current run, and the text already shown."""

    request: TurnRequest
    thread_id: str
    assistant_id: str | None
    started: float
    run: Any = None
    run_requested: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)
    # Text per message id, in arrival order (streaming).
    texts: dict[str, str] = field(default_factory=dict)
    shown: str = ""

    @property
    def run_id(self) -> str | None:
        return None if self.run is None else str(self.run.id)

    def ids(self) -> Ids:
        return Ids(self.assistant_id, self.thread_id, self.run_id)


class AssistantsBackend(SdkClient):
    """Assistants API turns: server assistant and thread, runs by polling or streaming."""

    name = "assistants"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.poll_deadline_s = POLL_DEADLINE_S
        self._profile: Profile | None = None
        self._stream: Any = None

    @property
    def profile(self) -> Profile:
        """The profile of the last `ensure_assistant`, else the runtime's."""
        return self._profile or self.runtime.profile

    # -- assistant and thread ---------------------------------------------------------------

    def ensure_assistant(self, profile: Profile, remembered: Mapping[str, Any] | None) -> str:
        """Reuse the remembered assistant, update it if the profile changed, or create one."""
        import openai

        self._profile = profile
        assistant_id = str(remembered.get("id") or "") if remembered else ""
        try:
            if assistant_id and remembered is not None:
                if remembered.get("fingerprint") == profile.fingerprint:
                    return assistant_id
                try:
                    with _quiet():
                        self.client.beta.assistants.update(
                            assistant_id,
                            model=profile.model,
                            instructions=profile.instructions,
                            tools=nested_tools(profile.tools),  # type: ignore[arg-type]
                            metadata={"fingerprint": profile.fingerprint},
                        )
                    return assistant_id
                except openai.NotFoundError:
                    pass  # deleted on the server: create a new one below
            return self._create_assistant(profile)
        except openai.OpenAIError as exc:
            raise _mapped(exc) from None

    def _create_assistant(self, profile: Profile) -> str:
        with _quiet():
            assistant = self.client.beta.assistants.create(
                model=profile.model,
                name=profile.name,
                instructions=profile.instructions,
                tools=nested_tools(profile.tools),  # type: ignore[arg-type]
                metadata={"fingerprint": profile.fingerprint},
            )
        return str(assistant.id)

    def create_thread(self) -> str:
        """A new server thread."""
        import openai

        try:
            with _quiet():
                return str(self.client.beta.threads.create().id)
        except openai.OpenAIError as exc:
            raise _mapped(exc) from None

    def delete_thread(self, thread_id: str) -> None:
        """Delete the thread (already gone counts as deleted)."""
        import openai

        try:
            with _quiet():
                self.client.beta.threads.delete(thread_id)
        except openai.NotFoundError:
            return
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None

    def delete_assistant(self, assistant_id: str) -> None:
        """Delete the assistant (already gone counts as deleted)."""
        import openai

        try:
            with _quiet():
                self.client.beta.assistants.delete(assistant_id)
        except openai.NotFoundError:
            return
        except openai.OpenAIError as exc:
            raise map_openai_error(exc) from None

    def thread_messages(
        self, thread_id: str, history: list[Mapping[str, Any]]
    ) -> list[ThreadMessage]:
        """The thread's messages with text, oldest first."""
        import openai

        out = []
        try:
            with _quiet():
                page = self.client.beta.threads.messages.list(thread_id, order="asc")
            for message in page:
                text = message_text(message)
                if text.strip():
                    out.append(ThreadMessage(str(message.role), text))
        except openai.OpenAIError as exc:
            raise _mapped(exc) from None
        return out

    # -- one turn ---------------------------------------------------------------------------

    def run_turn(self, request: TurnRequest) -> Iterator[Event]:
        """Add the question, run the assistant on the thread, answer tool calls, until done."""
        import openai

        turn = _Turn(request, request.thread_id, request.assistant_id, self.runtime.clock())
        try:
            yield from self._add_message(turn)
            yield from self._start_run(turn)
            yield from self._drive(turn)
            run = turn.run
            _raise_for_end_state(run)
            if request.stream:
                answer = "\n\n".join(t for t in turn.texts.values() if t)
            else:
                answer = self._answer(turn)
            yield Done(answer, turn.ids(), "completed", usage_dict(getattr(run, "usage", None)))
        except KeyboardInterrupt:
            confirmed = self._cancel_quietly(turn)
            raise Interrupted(
                INTERRUPTED_MESSAGE if confirmed else INTERRUPTED_UNCONFIRMED
            ) from None
        except GeneratorExit:
            # The consumer stopped listening (Ctrl-C while rendering): free the thread.
            self._cancel_quietly(turn)
            raise
        except openai.OpenAIError as exc:
            raise _mapped(exc) from None
        finally:
            self._close_stream()

    def _add_message(self, turn: _Turn) -> Generator[Event, None, None]:
        import openai

        unlocked = renewed = False
        while True:
            try:
                with _quiet():
                    self.client.beta.threads.messages.create(
                        turn.thread_id, role="user", content=turn.request.question
                    )
                return
            except openai.NotFoundError:
                if renewed:
                    raise
                renewed = True
                turn.thread_id = self.create_thread()
                yield Notice(THREAD_GONE_NOTICE)
            except openai.BadRequestError as exc:
                if unlocked or not _is_locked(exc):
                    raise
                unlocked = True
                yield from self._unlock(turn.thread_id)

    def _start_run(self, turn: _Turn) -> Generator[Event, None, None]:
        import openai

        unlocked = recreated = False
        if not turn.assistant_id:
            turn.assistant_id = self._create_assistant(self.profile)
        while True:
            try:
                turn.run_requested = True
                yield from self._create_run(turn)
                return
            except openai.NotFoundError as exc:
                text = server_message(exc).lower()
                if recreated or "assistant" not in text:
                    raise
                recreated = True
                turn.assistant_id = self._create_assistant(self.profile)
                yield Notice(ASSISTANT_GONE_NOTICE)
            except openai.BadRequestError as exc:
                if unlocked or not _is_locked(exc):
                    raise
                unlocked = True
                yield from self._unlock(turn.thread_id)

    def _create_run(self, turn: _Turn) -> Generator[Event, None, None]:
        runs = self.client.beta.threads.runs
        assistant_id = str(turn.assistant_id)
        if turn.request.stream:
            with _quiet():
                stream = runs.create(turn.thread_id, assistant_id=assistant_id, stream=True)
            yield from self._consume(turn, stream)
            return
        with _quiet():
            raw = runs.with_raw_response.create(turn.thread_id, assistant_id=assistant_id)
        turn.run, turn.headers = raw.parse(), raw.headers
        yield RunStatus(str(turn.run.status))

    def _drive(self, turn: _Turn) -> Generator[Event, None, None]:
        """Poll, run tools and submit until the run reaches a terminal status."""
        schedule = PollSchedule(self.runtime.sleep)
        rounds = 0
        while True:
            status = str(turn.run.status)
            if status in PENDING:
                yield from self._poll(turn, schedule)
                continue
            if status != "requires_action":
                return
            if rounds >= MAX_TOOL_ROUNDS:
                self._cancel_quietly(turn)
                raise APIError(
                    f"the model kept calling tools for {MAX_TOOL_ROUNDS} rounds without "
                    "answering, so weatherbot cancelled the run",
                    hint="ask a simpler question, or try another model",
                )
            rounds += 1
            calls = required_calls(turn.run)
            results = yield from run_tool_calls(
                calls, self.runtime.registry, turn.request.tool_context
            )
            outputs: Any = [{"tool_call_id": r.call_id, "output": r.output} for r in results]
            yield from self._submit(turn, outputs)
            schedule.reset()

    def _submit(self, turn: _Turn, outputs: Any) -> Generator[Event, None, None]:
        runs = self.client.beta.threads.runs
        run_id = str(turn.run_id)
        if turn.request.stream:
            with _quiet():
                stream = runs.submit_tool_outputs(
                    run_id, thread_id=turn.thread_id, tool_outputs=outputs, stream=True
                )
            yield from self._consume(turn, stream)
            return
        with _quiet():
            raw = runs.with_raw_response.submit_tool_outputs(
                run_id, thread_id=turn.thread_id, tool_outputs=outputs
            )
        turn.run, turn.headers = raw.parse(), raw.headers
        yield RunStatus(str(turn.run.status))

    def _poll(self, turn: _Turn, schedule: PollSchedule) -> Generator[Event, None, None]:
        status = str(turn.run.status)
        while status in PENDING:
            if self.runtime.clock() - turn.started > self.poll_deadline_s:
                self._cancel_quietly(turn)
                raise APIError(
                    f"the run was still {status} after {int(self.poll_deadline_s)} s, "
                    "so weatherbot cancelled it",
                    hint="try again in a moment",
                )
            schedule.wait(turn.headers)
            with _quiet():
                raw = self.client.beta.threads.runs.with_raw_response.retrieve(
                    str(turn.run_id), thread_id=turn.thread_id
                )
            turn.run, turn.headers = raw.parse(), raw.headers
            if str(turn.run.status) != status:
                status = str(turn.run.status)
                yield RunStatus(status)
        if status == "completed" and turn.request.stream:
            yield from self._catch_up(turn)

    # -- streaming --------------------------------------------------------------------------

    def _consume(self, turn: _Turn, stream: Any) -> Generator[Event, None, None]:
        """Read one raw event stream; ends at `requires_action`, a terminal status or EOF."""
        self._stream = stream
        status = None if turn.run is None else str(turn.run.status)
        try:
            for event in stream:
                kind = str(getattr(event, "event", "") or "")
                data: Any = getattr(event, "data", None)
                if kind.startswith("thread.run.") and not kind.startswith("thread.run.step"):
                    turn.run = data
                    if str(data.status) != status:
                        status = str(data.status)
                        yield RunStatus(status)
                elif kind == "thread.message.delta":
                    for piece in self._delta_text(turn, data):
                        yield TextDelta(piece)
                elif kind == "error":
                    message = getattr(data, "message", None) or "an error event ended the stream"
                    # The run may still be active; it must not keep the thread locked.
                    self._cancel_quietly(turn)
                    raise APIError(f"the model API failed: {message}", hint="try again in a moment")
        finally:
            self._close_stream()
        if turn.run is None:
            # Dropped before the first event: the run may exist all the same, and a thread
            # has at most one active run, so the newest active one is ours.
            turn.run = self._newest_active_run(turn.thread_id)
        if turn.run is None:
            raise APIError(
                "the run's stream ended before the run started", hint="try again in a moment"
            )

    def _newest_active_run(self, thread_id: str) -> Any:
        with _quiet():
            page = self.client.beta.threads.runs.list(thread_id, limit=1, order="desc")
        return next((run for run in page.data if run.status in ACTIVE), None)

    def _delta_text(self, turn: _Turn, data: Any) -> list[str]:
        pieces = []
        message_id = str(getattr(data, "id", "") or "")
        for part in getattr(getattr(data, "delta", None), "content", None) or []:
            if getattr(part, "type", None) != "text":
                continue
            value = str(getattr(getattr(part, "text", None), "value", "") or "")
            if not value:
                continue
            if message_id not in turn.texts and turn.shown:
                # A second message of the same run starts: keep it apart from the first.
                pieces.append("\n\n")
                turn.shown += "\n\n"
            turn.texts[message_id] = turn.texts.get(message_id, "") + value
            turn.shown += value
            pieces.append(value)
        return pieces

    def _catch_up(self, turn: _Turn) -> Generator[Event, None, None]:
        """After a dropped stream: show only the part of the answer not streamed yet."""
        with _quiet():
            page = self.client.beta.threads.messages.list(
                turn.thread_id, run_id=str(turn.run_id), order="asc"
            )
        texts = {str(m.id): message_text(m) for m in page if m.role == "assistant"}
        full = "\n\n".join(t for t in texts.values() if t)
        if full.startswith(turn.shown) and len(full) > len(turn.shown):
            yield TextDelta(full[len(turn.shown) :])
        turn.texts = texts
        turn.shown = full

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()

    def _answer(self, turn: _Turn) -> str:
        with _quiet():
            page = self.client.beta.threads.messages.list(
                turn.thread_id, run_id=str(turn.run_id), order="asc"
            )
        return "\n\n".join(
            text for m in page if m.role == "assistant" and (text := message_text(m))
        )

    # -- cancellation and thread locks ------------------------------------------------------

    def _cancel_quietly(self, turn: _Turn) -> bool:
        """Cancel the turn's run and wait briefly for it to settle; True once it has."""
        self._close_stream()
        if turn.run is not None and str(turn.run.status) not in ACTIVE:
            return True
        try:
            if turn.run_id is None:
                if turn.run_requested:
                    # The create request may have reached the server before the interrupt.
                    return self._cancel_active(turn.thread_id, CANCEL_WAIT_S)
                return True
            return self._cancel_and_wait([str(turn.run_id)], turn.thread_id, CANCEL_WAIT_S)
        except (Exception, KeyboardInterrupt):
            return False

    def _cancel_and_wait(self, run_ids: list[str], thread_id: str, budget: float) -> bool:
        import openai

        runs = self.client.beta.threads.runs
        for run_id in run_ids:
            try:
                with _quiet():
                    runs.cancel(run_id, thread_id=thread_id)
            except openai.BadRequestError:
                pass  # already finished (or already cancelling)
        schedule = PollSchedule(self.runtime.sleep)
        deadline = self.runtime.clock() + budget
        waiting = list(run_ids)
        for _ in range(MAX_SETTLE_POLLS):
            still = []
            for run_id in waiting:
                with _quiet():
                    run = runs.retrieve(run_id, thread_id=thread_id)
                if run.status in ACTIVE:
                    still.append(run_id)
            waiting = still
            if not waiting:
                return True
            if self.runtime.clock() >= deadline:
                return False
            schedule.wait()
        return False

    def _cancel_active(self, thread_id: str, budget: float) -> bool:
        with _quiet():
            page = self.client.beta.threads.runs.list(thread_id, limit=RUNS_PAGE, order="desc")
        active = [str(run.id) for run in page.data if run.status in ACTIVE]
        if not active:
            return True
        return self._cancel_and_wait(active, thread_id, budget)

    def _unlock(self, thread_id: str) -> Generator[Event, None, None]:
        """Cancel the runs that keep the thread locked, so the question can go through."""
        if not self._cancel_active(thread_id, UNLOCK_WAIT_S):
            raise APIError(
                "the thread is busy with another run that did not stop in time",
                hint="try again in a moment, or start a new thread",
            )
        yield Notice(THREAD_LOCKED_NOTICE)
