"""One Assistants API turn: the run state machine behind the turn driver's steps.

Add the question to the thread, start a run, then poll it (honouring `openai-poll-after-ms`)
or read its raw SSE stream until it needs tool outputs or ends; `resume` answers every
`requires_action` with all outputs in one `submit_tool_outputs` call. Thread locks (another
run still active) and assistants or threads deleted on the server are recovered here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weatherbot.backends.api_errors import server_message
from weatherbot.backends.assistants_wire import (
    ACTIVE,
    ASSISTANT_GONE_NOTICE,
    CANCEL_WAIT_S,
    MAX_SETTLE_POLLS,
    PENDING,
    RUNS_PAGE,
    THREAD_GONE_NOTICE,
    THREAD_LOCKED_NOTICE,
    UNLOCK_WAIT_S,
    is_locked,
    mapped,
    message_text,
    quiet,
    required_calls,
)
from weatherbot.backends.base import TurnRequest
from weatherbot.backends.driver import Step, StreamReader
from weatherbot.backends.openai_client import (
    LONG_WAIT_S,
    PollSchedule,
    long_wait_notice,
    usage_dict,
)
from weatherbot.errors import APIError, WeatherbotError
from weatherbot.events import Done, Event, Ids, Notice, RunStatus, TextDelta
from weatherbot.tools.execute import ToolResult

if TYPE_CHECKING:
    from weatherbot.backends.assistants import AssistantsBackend


@dataclass
class AssistantsTurn:
    """What one turn knows so far (ids, the current run, the text already shown) and its steps."""

    backend: AssistantsBackend
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
    stream: Any = None
    schedule: PollSchedule | None = None

    @property
    def run_id(self) -> str | None:
        """The current run's id, once there is one."""
        return None if self.run is None else str(self.run.id)

    def ids(self) -> Ids:
        """The turn's assistant, thread and run ids."""
        return Ids(self.assistant_id, self.thread_id, self.run_id)

    # -- the driver's steps -----------------------------------------------------------------

    def start(self) -> Generator[Event, None, Step]:
        """Add the question, start the run, and follow it to tool calls or its end."""
        self.schedule = PollSchedule(self.backend.runtime.sleep)
        yield from self._add_message()
        yield from self._start_run()
        return (yield from self._advance())

    def resume(self, results: Sequence[ToolResult]) -> Generator[Event, None, Step]:
        """Submit every output of the step at once and follow the run again."""
        outputs: Any = [{"tool_call_id": r.call_id, "output": r.output} for r in results]
        yield from self._submit(outputs)
        if self.schedule is not None:
            self.schedule.reset()
        return (yield from self._advance())

    def _advance(self) -> Generator[Event, None, Step]:
        if self.schedule is None:
            self.schedule = PollSchedule(self.backend.runtime.sleep)
        if str(self.run.status) in PENDING:
            # A stream that dropped before the run ended is followed by polling.
            yield from self._poll(self.schedule)
        status = str(self.run.status)
        if status == "requires_action":
            return Step(status="completed", calls=required_calls(self.run))
        reason = None
        if status == "failed":
            reason = getattr(getattr(self.run, "last_error", None), "message", None)
        elif status == "incomplete":
            reason = getattr(getattr(self.run, "incomplete_details", None), "reason", None)
        return Step(status=status, reason=reason)

    def finish(self, step: Step) -> Done:
        """The answer: what was streamed, or the run's messages."""
        if self.request.stream:
            answer = "\n\n".join(t for t in self.texts.values() if t)
        else:
            answer = self._answer()
        usage = usage_dict(getattr(self.run, "usage", None))
        return Done(answer, self.ids(), "completed", usage)

    def cancel(self, reason: str) -> bool:
        """Cancel the run (if still active) and wait briefly for it to settle."""
        return self._cancel_quietly()

    def map_error(self, exc: Exception) -> WeatherbotError | None:
        """SDK errors, with the Assistants sunset named when the API answers 404."""
        import openai

        return mapped(exc) if isinstance(exc, openai.OpenAIError) else None

    def close(self) -> None:
        """Close a stream left open."""
        self._close_stream()

    # -- the run ----------------------------------------------------------------------------

    def _add_message(self) -> Generator[Event, None, None]:
        import openai

        unlocked = renewed = False
        while True:
            try:
                with quiet():
                    self.backend.beta.threads.messages.create(
                        self.thread_id, role="user", content=self.request.question
                    )
                return
            except openai.NotFoundError:
                if renewed:
                    raise
                renewed = True
                self.thread_id = self.backend.create_thread()
                yield Notice(THREAD_GONE_NOTICE)
            except openai.BadRequestError as exc:
                if unlocked or not is_locked(exc):
                    raise
                unlocked = True
                yield from self._unlock(self.thread_id)

    def _start_run(self) -> Generator[Event, None, None]:
        import openai

        unlocked = recreated = False
        if not self.assistant_id:
            self.assistant_id = self.backend._create_assistant(self.backend.profile)
        while True:
            try:
                self.run_requested = True
                yield from self._create_run()
                return
            except openai.NotFoundError as exc:
                text = server_message(exc).lower()
                if recreated or "assistant" not in text:
                    raise
                recreated = True
                self.assistant_id = self.backend._create_assistant(self.backend.profile)
                yield Notice(ASSISTANT_GONE_NOTICE)
            except openai.BadRequestError as exc:
                if unlocked or not is_locked(exc):
                    raise
                unlocked = True
                yield from self._unlock(self.thread_id)

    def _create_run(self) -> Generator[Event, None, None]:
        runs = self.backend.beta.threads.runs
        assistant_id = str(self.assistant_id)
        if self.request.stream:
            with quiet():
                stream = runs.create(self.thread_id, assistant_id=assistant_id, stream=True)
            yield from self._consume(stream)
            return
        with quiet():
            raw = runs.with_raw_response.create(self.thread_id, assistant_id=assistant_id)
        self.run, self.headers = raw.parse(), raw.headers
        yield RunStatus(str(self.run.status))

    def _submit(self, outputs: Any) -> Generator[Event, None, None]:
        runs = self.backend.beta.threads.runs
        run_id = str(self.run_id)
        if self.request.stream:
            with quiet():
                stream = runs.submit_tool_outputs(
                    run_id, thread_id=self.thread_id, tool_outputs=outputs, stream=True
                )
            yield from self._consume(stream)
            return
        with quiet():
            raw = runs.with_raw_response.submit_tool_outputs(
                run_id, thread_id=self.thread_id, tool_outputs=outputs
            )
        self.run, self.headers = raw.parse(), raw.headers
        yield RunStatus(str(self.run.status))

    def _poll(self, schedule: PollSchedule) -> Generator[Event, None, None]:
        status = str(self.run.status)
        noted = False
        while status in PENDING:
            waited = self.backend.runtime.clock() - self.started
            if waited > LONG_WAIT_S and not noted:
                noted = True
                yield Notice(long_wait_notice("run", status, self.backend.poll_deadline_s))
            if waited > self.backend.poll_deadline_s:
                self._cancel_quietly()
                raise APIError(
                    f"the run was still {status} after {int(self.backend.poll_deadline_s)} s, "
                    "so weatherbot cancelled it",
                    hint="try again in a moment",
                )
            schedule.wait(self.headers)
            with quiet():
                raw = self.backend.beta.threads.runs.with_raw_response.retrieve(
                    str(self.run_id), thread_id=self.thread_id
                )
            self.run, self.headers = raw.parse(), raw.headers
            if str(self.run.status) != status:
                status = str(self.run.status)
                yield RunStatus(status)
        if status == "completed" and self.request.stream:
            yield from self._catch_up()

    # -- streaming --------------------------------------------------------------------------

    def _consume(self, stream: Any) -> Generator[Event, None, None]:
        """Read one raw event stream; ends at `requires_action`, a terminal status or EOF."""
        self.stream = stream
        status = None if self.run is None else str(self.run.status)
        # A stream cut mid-way ends like EOF: the run goes on, `_advance` polls it to its end.
        reader = StreamReader(stream)
        fresh = False
        try:
            for event in reader:
                kind = str(getattr(event, "event", "") or "")
                data: Any = getattr(event, "data", None)
                if kind.startswith("thread.run.") and not kind.startswith("thread.run.step"):
                    self.run, fresh = data, True
                    if str(data.status) != status:
                        status = str(data.status)
                        yield RunStatus(status)
                elif kind == "thread.message.delta":
                    for piece in self._delta_text(data):
                        yield TextDelta(piece)
                elif kind == "error":
                    message = getattr(data, "message", None) or "an error event ended the stream"
                    # The run may still be active; it must not keep the thread locked.
                    self._cancel_quietly()
                    raise APIError(f"the model API failed: {message}", hint="try again in a moment")
        finally:
            self._close_stream()
        if (reader.cut is not None or not fresh) and self.run is not None:
            # The last status seen is from before this stream (the `requires_action` just
            # answered) or the stream was cut: ask the server where the run is now.
            with quiet():
                raw = self.backend.beta.threads.runs.with_raw_response.retrieve(
                    str(self.run_id), thread_id=self.thread_id
                )
            self.run, self.headers = raw.parse(), raw.headers
            if str(self.run.status) != status:
                yield RunStatus(str(self.run.status))
            if str(self.run.status) == "completed":
                yield from self._catch_up()
        if self.run is None:
            # Dropped before the first event: the run may exist all the same, and a thread
            # has at most one active run, so the newest active one is ours.
            self.run = self._newest_active_run(self.thread_id)
        if self.run is None:
            raise APIError(
                "the run's stream ended before the run started", hint="try again in a moment"
            )

    def _newest_active_run(self, thread_id: str) -> Any:
        with quiet():
            page = self.backend.beta.threads.runs.list(thread_id, limit=1, order="desc")
        return next((run for run in page.data if run.status in ACTIVE), None)

    def _delta_text(self, data: Any) -> list[str]:
        pieces = []
        message_id = str(getattr(data, "id", "") or "")
        for part in getattr(getattr(data, "delta", None), "content", None) or []:
            if getattr(part, "type", None) != "text":
                continue
            value = str(getattr(getattr(part, "text", None), "value", "") or "")
            if not value:
                continue
            if message_id not in self.texts and self.shown:
                # A second message of the same run starts: keep it apart from the first.
                pieces.append("\n\n")
                self.shown += "\n\n"
            self.texts[message_id] = self.texts.get(message_id, "") + value
            self.shown += value
            pieces.append(value)
        return pieces

    def _catch_up(self) -> Generator[Event, None, None]:
        """After a dropped stream: show only the part of the answer not streamed yet."""
        with quiet():
            page = self.backend.beta.threads.messages.list(
                self.thread_id, run_id=str(self.run_id), order="asc"
            )
        texts = {str(m.id): message_text(m) for m in page if m.role == "assistant"}
        full = "\n\n".join(t for t in texts.values() if t)
        if full.startswith(self.shown) and len(full) > len(self.shown):
            yield TextDelta(full[len(self.shown) :])
        self.texts = texts
        self.shown = full

    def _close_stream(self) -> None:
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()

    def _answer(self) -> str:
        with quiet():
            page = self.backend.beta.threads.messages.list(
                self.thread_id, run_id=str(self.run_id), order="asc"
            )
        return "\n\n".join(
            text for m in page if m.role == "assistant" and (text := message_text(m))
        )

    # -- cancellation and thread locks ------------------------------------------------------

    def _cancel_quietly(self) -> bool:
        """Cancel the turn's run and wait briefly for it to settle; True once it has."""
        self._close_stream()
        if self.run is not None and str(self.run.status) not in ACTIVE:
            return True
        try:
            if self.run_id is None:
                if self.run_requested:
                    # The create request may have reached the server before the interrupt.
                    return self._cancel_active(self.thread_id, CANCEL_WAIT_S)
                return True
            return self._cancel_and_wait([str(self.run_id)], self.thread_id, CANCEL_WAIT_S)
        except (Exception, KeyboardInterrupt):
            return False

    def _cancel_and_wait(self, run_ids: list[str], thread_id: str, budget: float) -> bool:
        import openai

        runs = self.backend.beta.threads.runs
        for run_id in run_ids:
            try:
                with quiet():
                    runs.cancel(run_id, thread_id=thread_id)
            except openai.BadRequestError:
                pass  # already finished (or already cancelling)
        schedule = PollSchedule(self.backend.runtime.sleep)
        deadline = self.backend.runtime.clock() + budget
        waiting = list(run_ids)
        for _ in range(MAX_SETTLE_POLLS):
            still = []
            for run_id in waiting:
                with quiet():
                    run = runs.retrieve(run_id, thread_id=thread_id)
                if run.status in ACTIVE:
                    still.append(run_id)
            waiting = still
            if not waiting:
                return True
            if self.backend.runtime.clock() >= deadline:
                return False
            schedule.wait()
        return False

    def _cancel_active(self, thread_id: str, budget: float) -> bool:
        with quiet():
            page = self.backend.beta.threads.runs.list(thread_id, limit=RUNS_PAGE, order="desc")
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
