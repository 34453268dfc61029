"""The `chat` backend: Chat Completions tool calling against any OpenAI-compatible server."""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from weatherbot.backends.api_errors import cut_mid_answer, map_openai_error, server_message
from weatherbot.backends.base import Runtime, TurnRequest
from weatherbot.backends.driver import Step, StreamReader, TurnDriver
from weatherbot.backends.local import LocalThreads, message_text
from weatherbot.backends.openai_client import SdkClient, nested_tools, usage_dict
from weatherbot.errors import ConfigError, WeatherbotError
from weatherbot.events import CallRecord, Done, Event, Ids, Message, TextDelta
from weatherbot.redaction import shortened
from weatherbot.tools.execute import ToolCall, ToolResult

INTERRUPTED_MESSAGE = "stopped; the conversation is as it was before this question"
WHAT = "the model server"

# How servers say "this model cannot do tools": Ollama ("... does not support tools"),
# llama.cpp ("tools param requires --jinja flag"), vLLM ("auto" tool choice requires
# --enable-auto-tool-choice), LM Studio and others ("function calling is not supported").
_TOOLS_REJECTED = re.compile(
    r"does(?: not|n't) support (?:tools|tool[ _-]?call|function[ _-]?call)"
    r"|tools? (?:param|parameter|are|is) (?:requires?|not supported|unsupported)"
    r"|--jinja|enable-auto-tool-choice|tool[ _-]?calling|function[ _-]?calling"
    r"|not support(?:ed)? (?:for )?tools",
    re.IGNORECASE,
)
_STREAM_OPTIONS_REJECTED = re.compile(r"stream_options|include_usage", re.IGNORECASE)
_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens")


def _new_call_id() -> str:
    return "call_" + uuid.uuid4().hex[:24]


def _arguments_text(arguments: Any) -> str:
    """Arguments as the JSON string the wire format wants (some servers send objects)."""
    if arguments is None:
        return "{}"
    if isinstance(arguments, str):
        return arguments
    try:
        # Strict: a bare NaN in the history makes strict servers refuse every later turn.
        return json.dumps(arguments, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError):
        return json.dumps({"unreadable_arguments": shortened(repr(arguments), 200)})


@dataclass
class _PartialCall:
    """One tool call being assembled from streamed fragments."""

    id: str | None = None
    name: str = ""
    arguments: Any = None

    def add(self, call_id: str | None, name: str | None, arguments: Any) -> None:
        if call_id and not self.id:
            self.id = call_id
        # LM Studio repeats an empty name in later fragments: keep the first real one.
        if name and not self.name:
            self.name = name
        if arguments is None or arguments == "":
            return
        if isinstance(arguments, str) and isinstance(self.arguments, str):
            self.arguments += arguments
        else:
            self.arguments = arguments


@dataclass
class _Completion:
    """What one completion produced."""

    text: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    usage: dict[str, Any] | None = None
    completion_id: str | None = None


def _add_usage(total: dict[str, Any] | None, step: dict[str, Any] | None) -> dict[str, Any] | None:
    if step is None:
        return total
    if total is None:
        return {k: step[k] for k in _USAGE_KEYS if isinstance(step.get(k), int)}
    for key in _USAGE_KEYS:
        if isinstance(step.get(key), int):
            total[key] = int(total.get(key, 0)) + int(step[key])
    return total


class _ChatTurn:
    """One turn's protocol steps: a completion per step, the messages grow locally."""

    def __init__(self, backend: ChatBackend, request: TurnRequest) -> None:
        self.backend = backend
        self.request = request
        user = Message("user", request.question)
        self.added: list[Message] = [user]
        self.messages: list[dict[str, Any]] = [
            {"role": "system", "content": backend.runtime.profile.instructions},
            *(m.to_dict() for m in request.history),
            user.to_dict(),
        ]
        self.seen_ids = {c.call_id for m in request.history for c in m.tool_calls}
        self.tools = nested_tools(backend.runtime.profile.tools)
        self.usage: dict[str, Any] | None = None
        self.completion_id: str | None = None

    def start(self) -> Generator[Event, None, Step]:
        """The first completion."""
        return self._complete()

    def resume(self, results: Sequence[ToolResult]) -> Generator[Event, None, Step]:
        """Append the tool messages and complete again."""
        for result in results:
            tool = Message("tool", result.output, tool_call_id=result.call_id)
            self.messages.append(tool.to_dict())
            self.added.append(tool)
        return self._complete()

    def _complete(self) -> Generator[Event, None, Step]:
        if self.request.stream:
            step = yield from self.backend._streamed_step(self.messages, self.tools)
        else:
            step = self.backend._plain_step(self.messages, self.tools)
        self.usage = _add_usage(self.usage, step.usage)
        self.completion_id = step.completion_id
        calls = []
        for call in step.calls:
            # Some servers reuse ids ("call_0"); duplicates are a 400 on the next request.
            call_id = call.call_id if call.call_id not in self.seen_ids else _new_call_id()
            self.seen_ids.add(call_id)
            calls.append(ToolCall(call_id, call.name, call.arguments))
        if calls:
            asked = Message(
                "assistant",
                step.text,
                tuple(CallRecord(c.call_id, c.name, _arguments_text(c.arguments)) for c in calls),
            )
            self.messages.append(asked.to_dict())
            self.added.append(asked)
        return Step(text=step.text, calls=calls)

    def finish(self, step: Step) -> Done:
        """The answer, with the messages this turn added to the local history."""
        self.added.append(Message("assistant", step.text))
        ids = Ids(None, self.request.thread_id, self.completion_id)
        return Done(step.text, ids, "completed", self.usage, history=tuple(self.added))

    def cancel(self, reason: str) -> bool:
        """A completion has nothing on the server to cancel: close the stream."""
        self.backend._close_stream()
        return True

    def map_error(self, exc: Exception) -> WeatherbotError | None:
        """SDK errors, with "this model cannot do tools" told apart."""
        import openai

        return self.backend._map_error(exc) if isinstance(exc, openai.OpenAIError) else None

    def close(self) -> None:
        """Nothing stays open between steps."""


class ChatBackend(SdkClient, LocalThreads):
    """Chat Completions with a local message history; one completion per model step."""

    name = "chat"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stream_options = True
        self._active_stream: Any = None

    def run_turn(self, request: TurnRequest) -> Iterator[Event]:
        """Complete, run the requested tools, repeat until the model answers."""
        driver = TurnDriver(self.runtime.registry, INTERRUPTED_MESSAGE)
        return driver.run(_ChatTurn(self, request), request)

    def _close_stream(self) -> None:
        stream, self._active_stream = self._active_stream, None
        if stream is not None:
            # Closing is best effort: the user already gave up on this answer.
            with contextlib.suppress(Exception):
                stream.close()

    def _map_error(self, exc: Exception) -> WeatherbotError:
        import openai

        if isinstance(
            exc, openai.BadRequestError | openai.NotFoundError | openai.InternalServerError
        ) and _TOOLS_REJECTED.search(server_message(exc)):
            base = self.runtime.settings.base_url or "https://api.openai.com/v1"
            return ConfigError(
                f"the model {self.runtime.profile.model} at {base} does not accept tools",
                hint="choose a model that supports tool calling (e.g. llama3.1, qwen2.5) "
                "or use --backend offline",
            )
        return map_openai_error(exc, WHAT)

    def _plain_step(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> _Completion:
        completion = self.client.chat.completions.create(
            model=self.runtime.profile.model,
            messages=messages,  # type: ignore[arg-type]
            tools=tools,  # type: ignore[arg-type]
        )
        step = _Completion(
            completion_id=getattr(completion, "id", None),
            usage=usage_dict(getattr(completion, "usage", None)),
        )
        # The SDK builds replies without validating them: `choices` may be absent or NaN.
        choices = getattr(completion, "choices", None)
        if not isinstance(choices, list) or not choices:
            return step
        message = getattr(choices[0], "message", None)
        step.text = message_text(getattr(message, "content", None))
        raw_calls = getattr(message, "tool_calls", None)
        for raw in raw_calls if isinstance(raw_calls, list) else []:
            function = getattr(raw, "function", None)
            step.calls.append(
                ToolCall(
                    getattr(raw, "id", None) or _new_call_id(),
                    (getattr(function, "name", None) or "") if function else "",
                    getattr(function, "arguments", None) if function else None,
                )
            )
        return step

    def _open_stream(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> Any:
        import openai

        kwargs: dict[str, Any] = {}
        if self._stream_options:
            kwargs["stream_options"] = {"include_usage": True}
        try:
            return self.client.chat.completions.create(
                model=self.runtime.profile.model,
                messages=messages,  # type: ignore[arg-type]
                tools=tools,  # type: ignore[arg-type]
                stream=True,
                **kwargs,
            )
        except openai.BadRequestError as exc:
            if not self._stream_options or not _STREAM_OPTIONS_REJECTED.search(server_message(exc)):
                raise
            # Older local servers reject stream_options: go on without usage figures.
            self._stream_options = False
            return self.client.chat.completions.create(
                model=self.runtime.profile.model,
                messages=messages,  # type: ignore[arg-type]
                tools=tools,  # type: ignore[arg-type]
                stream=True,
            )

    def _streamed_step(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> Generator[Event, None, _Completion]:
        stream = self._open_stream(messages, tools)
        self._active_stream = stream
        step = _Completion()
        texts: list[str] = []
        partial: dict[int, _PartialCall] = {}
        finished = False
        reader = StreamReader(stream)
        try:
            for chunk in reader:
                step.completion_id = step.completion_id or getattr(chunk, "id", None)
                usage = usage_dict(getattr(chunk, "usage", None))
                if usage is not None:
                    step.usage = usage
                # The include_usage chunk has `choices: []`.
                for choice in getattr(chunk, "choices", None) or []:
                    finished = finished or bool(getattr(choice, "finish_reason", None))
                    delta = getattr(choice, "delta", None)
                    if delta is None:
                        continue
                    content = getattr(delta, "content", None)
                    if isinstance(content, str) and content:
                        texts.append(content)
                        yield TextDelta(content)
                    for fragment in getattr(delta, "tool_calls", None) or []:
                        index = getattr(fragment, "index", None)
                        if not isinstance(index, int):
                            # Ollama sends whole calls without `index`: one new call each.
                            index = max(partial, default=-1) + 1
                        function = getattr(fragment, "function", None)
                        partial.setdefault(index, _PartialCall()).add(
                            getattr(fragment, "id", None),
                            getattr(function, "name", None) if function else None,
                            getattr(function, "arguments", None) if function else None,
                        )
        finally:
            self._active_stream = None
            stream.close()
        step.text = "".join(texts)
        if reader.cut is not None and not finished and step.text:
            # A completion has no server state to resume, and asking again gives a different
            # answer (two answers on screen): keep what arrived and say that it is cut.
            raise cut_mid_answer(reader.cut, WHAT)
        if not finished and not step.text:
            # Cut, or ended, before any text: tool calls may be cut short, so ask for the
            # same step again, unstreamed. Text that ends without finish_reason (some
            # servers never send one) is taken as it is.
            again = self._plain_step(messages, tools)
            if again.text:
                yield TextDelta(again.text)
            again.usage = _add_usage(_add_usage(None, step.usage), again.usage)
            return again
        if not partial and not step.text:
            # A complete stream with no tool calls and no text: Ollama drops the tool calls
            # of streamed completions for some models. Ask for the same step once unstreamed.
            again = self._plain_step(messages, tools)
            if again.text:
                yield TextDelta(again.text)
            again.usage = _add_usage(_add_usage(None, step.usage), again.usage)
            return again
        step.calls = [
            ToolCall(p.id or _new_call_id(), p.name, p.arguments)
            for _, p in sorted(partial.items())
        ]
        return step
