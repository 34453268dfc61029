"""One `responses` turn: a response per model step, on a Conversation or with local context."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weatherbot.backends.api_errors import map_openai_error, server_message
from weatherbot.backends.driver import Step
from weatherbot.backends.openai_client import usage_dict
from weatherbot.backends.responses_local import (
    IGNORED_CONVERSATION_NOTICE,
    call_item,
    history_items,
    is_local,
    joined,
    output_item,
    user_item,
)
from weatherbot.backends.responses_wire import get_object, get_text, output_text, responses_tools
from weatherbot.backends.server_facts import CONVERSATIONS, learn
from weatherbot.errors import ConfigError, WeatherbotError
from weatherbot.events import CallRecord, Done, Event, Ids, Message, Notice
from weatherbot.tools.execute import ToolCall, ToolResult

if TYPE_CHECKING:
    from weatherbot.backends.base import TurnRequest
    from weatherbot.backends.responses import ResponsesBackend, StepResult

THREAD_GONE_NOTICE = "the conversation was deleted on the server; started a new one"
OPEN_CALLS_NOTICE = "an interrupted turn had left tool calls open in this conversation; closed them"
INTERRUPTED_TURN = "the turn that asked for this was interrupted before the tool answered"
# How the API refuses a new response while the conversation has a function call unanswered.
_OPEN_CALLS = re.compile(r"no tool output found for function call", re.IGNORECASE)


def _arguments(arguments: Any) -> str:
    """Arguments as the JSON text a history keeps (some servers send objects)."""
    if isinstance(arguments, str):
        return arguments
    try:
        return json.dumps(arguments if arguments is not None else {}, allow_nan=False)
    except (ValueError, TypeError):
        return "{}"


class ResponsesTurn:
    """One turn's protocol steps. On a Conversation the server holds the context, so a step
    sends only what is new; on a local thread every step sends the whole context."""

    def __init__(self, backend: ResponsesBackend, request: TurnRequest) -> None:
        profile = backend.runtime.profile
        self.backend = backend
        self.request = request
        self.thread_id = request.thread_id
        self.local = backend.keeps_locally(request.thread_id)
        self.base: dict[str, Any] = {
            "model": profile.model,
            "instructions": profile.instructions,
            "tools": responses_tools(profile.tools),
            "store": True,
        }
        if not self.local:
            self.base["conversation"] = request.thread_id
        # The context as a local thread sends it; kept on Conversations too, so that a server
        # found to ignore `conversation` mid-turn gets it whole (and the history is saved).
        self.context: list[dict[str, Any]] = [
            *history_items(request.history),
            user_item(request.question),
        ]
        self.added: list[Message] = [Message("user", request.question)]
        self.seen_ids = {c.call_id for m in request.history for c in m.tool_calls}
        self.steps = 0
        self.response: Any = None

    def start(self) -> Generator[Event, None, Step]:
        """The question as the first input; a Conversation deleted on the server is renewed."""
        import openai

        for notice in self.backend.take_notices():
            yield Notice(notice)
        self._check_context()
        inputs: list[Any] = [user_item(self.request.question)]
        try:
            return (yield from self._step(inputs))
        except openai.NotFoundError as exc:
            if self.local or "conversation" not in server_message(exc).lower():
                raise
            self.thread_id = self.backend.create_thread()
            self._use_thread(self.thread_id)
            yield Notice(THREAD_GONE_NOTICE)
            for notice in self.backend.take_notices():
                yield Notice(notice)
        except openai.BadRequestError as exc:
            if self.local or not _OPEN_CALLS.search(server_message(exc)):
                raise
            # A turn killed in its tool step (no chance to clean up) left calls unanswered.
            if not self.backend._settle_calls(self.thread_id, INTERRUPTED_TURN):
                raise
            yield Notice(OPEN_CALLS_NOTICE)
        return (yield from self._step(inputs))

    def _use_thread(self, thread_id: str) -> None:
        self.local = self.backend.keeps_locally(thread_id)
        if self.local:
            self.base.pop("conversation", None)
        else:
            self.base["conversation"] = thread_id

    def resume(self, results: Sequence[ToolResult]) -> Generator[Event, None, Step]:
        """On a Conversation the calls are already in it: send only the outputs."""
        outputs = [output_item(r.call_id, r.output) for r in results]
        self.context.extend(outputs)
        self.added.extend(Message("tool", r.output, tool_call_id=r.call_id) for r in results)
        return self._step(outputs)

    def _run(self, inputs: list[Any]) -> Generator[Event, None, StepResult]:
        body_inputs = list(self.context) if self.local else inputs
        if self.request.stream:
            stop_if = None if self.local else self._shown_without_context
            return (yield from self.backend._streamed(self.base, body_inputs, stop_if))
        return (yield from self.backend._polled(self.base, body_inputs))

    def _complete(self) -> bool:
        """Whether this step's own input is its whole context (a new thread's question)."""
        return self.steps == 0 and self._new_thread()

    def _new_thread(self) -> bool:
        """A thread with no earlier turns: made for this question, not one the user named."""
        return not self.request.history and (
            is_local(self.thread_id) or self.backend.made_here(self.thread_id)
        )

    def _check_context(self) -> None:
        """A Conversation kept here needs its history: one named with --thread whose earlier
        messages only the server had cannot be continued on a server that ignores them."""
        if self.local and not self.request.history and not self._new_thread():
            raise ConfigError(
                f"this server keeps no conversations, so the earlier messages of "
                f"{self.thread_id} cannot be sent with the question",
                hint="ask without --thread to start a new conversation",
            )

    def _shown_without_context(self, created: Any) -> bool:
        """Stop a stream whose first event says `"conversation": null` before its answer is
        shown, where the step needs the conversation's context (a reply without it would be
        on screen before the one with it)."""
        facts = self.backend.runtime.facts
        null = isinstance(created, Mapping) and "conversation" in created and not joined(created)
        return null and facts.get(CONVERSATIONS) is not True and not self._complete()

    def _step(self, inputs: list[Any]) -> Generator[Event, None, Step]:
        done = yield from self._run(inputs)
        if done.abandoned or (not self.local and self._conversation_ignored(done.response)):
            done = yield from self._go_local(done)
        self.steps += 1
        response = self.response = done.response
        status = get_text(response, "status") or "completed"
        reason = None
        if status == "failed":
            reason = get_text(get_object(response, "error"), "message")
        elif status == "incomplete":
            reason = get_text(get_object(response, "incomplete_details"), "reason")
        elif status == "cancelled":
            reason = "the response was cancelled on the server"
        text = output_text(response)
        calls = self._remember_calls(done.calls, text)
        return Step(status, text, calls, reason)

    def _conversation_ignored(self, response: Any) -> bool:
        """A reply without the conversation it was asked to join, from a server not known to
        honour it (OpenAI's carries `"conversation": {"id": …}`: that teaches it does)."""
        facts = self.backend.runtime.facts
        if get_text(response, "status") not in ("completed", "incomplete"):
            return False  # a failed reply says nothing either way
        if joined(response):
            learn(facts, CONVERSATIONS, True)
            return False
        return facts.get(CONVERSATIONS) is not True

    def _go_local(self, done: StepResult) -> Generator[Event, None, StepResult]:
        """Keep the thread here from now on; ask again where the step lacked its context."""
        learn(self.backend.runtime.facts, CONVERSATIONS, False)
        yield Notice(IGNORED_CONVERSATION_NOTICE.format(conversation=self.thread_id))
        self.base.pop("conversation", None)
        self.local = True
        self._check_context()
        complete = self._complete() and not done.abandoned
        if self._new_thread():
            # A new thread: its Conversation stays empty on the server, so a local id replaces
            # it (conversation.py saves the turn under the id Done carries).
            self.backend.discard_conversation(self.thread_id)
            self.thread_id = self.backend.create_thread()
        if complete:
            return done  # the question alone was the whole context: the reply stands
        return (yield from self._run([]))

    def _remember_calls(self, calls: list[ToolCall], text: str) -> list[ToolCall]:
        kept = []
        for call in calls:
            call_id = call.call_id
            if self.local and call_id in self.seen_ids:
                # Some servers reuse ids ("call_0"): sent back twice, they confuse the context.
                call_id = "call_" + uuid.uuid4().hex[:24]
            self.seen_ids.add(call_id)
            kept.append(ToolCall(call_id, call.name, call.arguments))
        if kept:
            records = tuple(CallRecord(c.call_id, c.name, _arguments(c.arguments)) for c in kept)
            self.context.extend(call_item(r.call_id, r.name, r.arguments) for r in records)
            self.added.append(Message("assistant", text, records))
        return kept

    def finish(self, step: Step) -> Done:
        """The answer with the response's id and usage, and the turn's messages (saved as the
        thread's local history, on Conversations too)."""
        response = self.response
        usage = usage_dict(get_object(response, "usage"))
        history = (*self.added, Message("assistant", step.text))
        ids = Ids(None, self.thread_id, get_text(response, "id"))
        return Done(step.text, ids, "completed", usage, history=history)

    def cancel(self, reason: str) -> bool:
        """Stop the response (cancelled if in the background) and, on a Conversation, answer
        its open calls, so the thread stays usable."""
        self.backend._cancel_active()
        if not self.local:
            self.backend._settle_calls(self.thread_id, reason)
        return True

    def map_error(self, exc: Exception) -> WeatherbotError | None:
        """SDK errors as one-line WeatherbotErrors."""
        import openai

        return map_openai_error(exc) if isinstance(exc, openai.OpenAIError) else None

    def close(self) -> None:
        """Close a stream left open."""
        self.backend._close_stream()
