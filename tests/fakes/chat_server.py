"""A fake OpenAI-compatible `/v1/chat/completions` server, with switches for local-server quirks.

Streams are framed like the recorded otel cassette (reference/openai/recordings/
chat_completions): a role chunk, per call index a first fragment with id/type/name and
`arguments: ""`, then argument fragments, a finish_reason chunk, a usage chunk with
`choices: []` when `include_usage` was asked for, and `data: [DONE]`.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

from tests.fakes.model import Reply, ScriptedModel
from tests.fakes.server import FakeServer, Request, Response, sse

USAGE = {"prompt_tokens": 75, "completion_tokens": 51, "total_tokens": 126}


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class FakeChat(FakeServer):
    """Chat Completions over ScriptedModel; quirk switches mimic Ollama, llama.cpp, LM Studio."""

    def __init__(self, model_name: str = "gpt-5.4-mini") -> None:
        super().__init__()
        self.model = ScriptedModel()
        self.model_name = model_name
        # Quirks of local servers (see reference/openai-protocols.md d.3).
        self.ollama_whole_calls = False
        self.arguments_as_object = False
        self.finish_reason_stop = False
        # Some servers end a stream with [DONE] but never send a finish_reason.
        self.omit_finish_reason = False
        self.empty_name_fragments = False
        self.omit_call_ids = False
        self.rejects_tools = False
        self.rejects_stream_options = False
        # Ollama with some models: a streamed step that should call tools comes back empty
        # (no tool calls, no text, finish_reason "stop"); the same request unstreamed works.
        self.drops_streamed_tools = False
        # Consumed one per streamed completion: close the connection after that many chunks.
        self.drop_streams: list[int | None] = []
        self._ids = itertools.count(1)
        self.route("POST", "/v1/chat/completions")(self._completions)

    # -- validation -------------------------------------------------------------------------

    @staticmethod
    def _error(status: int, message: str, param: str | None = None) -> Response:
        return Response(
            status,
            {
                "error": {
                    "message": message,
                    "type": "invalid_request_error",
                    "param": param,
                    "code": None,
                }
            },
        )

    def _check_messages(self, messages: list[dict[str, Any]]) -> Response | None:
        answered: dict[str, int] = {}
        for n, message in enumerate(messages):
            if message.get("role") == "tool":
                call_id = str(message.get("tool_call_id"))
                if call_id in answered:
                    return self._error(
                        400,
                        f"Invalid parameter: Duplicate value for 'tool_call_id' of '{call_id}', "
                        f"in messages[{answered[call_id]}] and messages[{n}].",
                        f"messages.[{n}].tool_call_id",
                    )
                answered[call_id] = n
        for n, message in enumerate(messages):
            calls = message.get("tool_calls") or []
            if message.get("role") != "assistant" or not calls:
                continue
            following: set[str] = set()
            for later in messages[n + 1 :]:
                if later.get("role") != "tool":
                    break
                following.add(str(later.get("tool_call_id")))
            missing = [str(c["id"]) for c in calls if str(c["id"]) not in following]
            if missing:
                return self._error(
                    400,
                    "An assistant message with 'tool_calls' must be followed by tool messages "
                    "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                    "response messages: " + ", ".join(missing),
                    f"messages.[{n}].role",
                )
        return None

    # -- the endpoint -----------------------------------------------------------------------

    def _completions(self, request: Request) -> Response:
        body = request.json or {}
        if self.rejects_tools and body.get("tools"):
            # Ollama's wording for a model without a tool template.
            return Response(
                400,
                {
                    "error": {
                        "message": "registry.ollama.ai/library/gemma:2b does not support tools",
                        "type": "api_error",
                        "param": None,
                        "code": None,
                    }
                },
            )
        if self.rejects_stream_options and "stream_options" in body:
            return self._error(
                400, "Unrecognized request argument supplied: stream_options", "stream_options"
            )
        messages = list(body.get("messages") or [])
        problem = self._check_messages(messages)
        if problem is not None:
            return problem
        neutral = [m for m in messages if m.get("role") in ("user", "assistant", "tool")]
        system = " ".join(str(m.get("content")) for m in messages if m.get("role") == "system")
        reply = self.model.respond(neutral, system or None)
        completion_id = f"chatcmpl-fake{next(self._ids):06d}"
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            drop = self.drop_streams.pop(0) if self.drop_streams else None
            if self.drops_streamed_tools and reply.tool_calls:
                # The model did decide on these calls: asked again, it makes the same ones.
                self.model.queue.insert(0, reply)
            return Response(
                events=self._stream(completion_id, reply, include_usage), drop_after=drop
            )
        return Response(200, self._completion(completion_id, reply))

    def _finish_reason(self, reply: Reply) -> str:
        return "tool_calls" if reply.tool_calls and not self.finish_reason_stop else "stop"

    def _arguments(self, raw: Any) -> Any:
        if self.arguments_as_object and isinstance(raw, str):
            try:
                return json.loads(raw)
            except ValueError:
                return raw
        return raw

    def _completion(self, completion_id: str, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    **({} if self.omit_call_ids else {"id": call.id}),
                    "type": "function",
                    "function": {"name": call.name, "arguments": self._arguments(call.arguments)},
                }
                for call in reply.tool_calls
            ]
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model_name,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": self._finish_reason(reply),
                }
            ],
            "usage": dict(USAGE),
        }

    def _chunk(
        self,
        completion_id: str,
        delta: dict[str, Any] | None,
        finish_reason: str | None = None,
        usage: dict[str, Any] | None = None,
    ) -> tuple[str | None, str]:
        choices = (
            []
            if delta is None
            else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
        )
        return sse(
            None,
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": self.model_name,
                "system_fingerprint": "fp_fake",
                "usage": usage,
                "choices": choices,
            },
        )

    def _stream(
        self, completion_id: str, reply: Reply, include_usage: bool
    ) -> Iterator[tuple[str | None, str]]:
        yield self._chunk(completion_id, {"role": "assistant", "content": None})
        if self.drops_streamed_tools and reply.tool_calls:
            yield self._chunk(completion_id, {"content": ""})
            yield self._chunk(completion_id, {}, "stop")
            if include_usage:
                yield self._chunk(completion_id, None, usage=dict(USAGE))
            yield sse(None, "[DONE]")
            return
        if reply.text:
            for piece in _pieces(reply.text, 12):
                yield self._chunk(completion_id, {"content": piece})
        for index, call in enumerate(reply.tool_calls):
            ident = {} if self.omit_call_ids else {"id": call.id}
            if self.ollama_whole_calls:
                # Ollama: one chunk per call, whole arguments, no `index`.
                whole = {
                    **ident,
                    "type": "function",
                    "function": {"name": call.name, "arguments": self._arguments(call.arguments)},
                }
                yield self._chunk(completion_id, {"tool_calls": [whole]})
                continue
            if self.arguments_as_object:
                # llama.cpp 2026-03: the arguments arrive as one JSON object.
                first_args: Any = self._arguments(call.arguments)
            else:
                first_args = ""
            first = {
                "index": index,
                **ident,
                "type": "function",
                "function": {"name": call.name, "arguments": first_args},
            }
            yield self._chunk(completion_id, {"tool_calls": [first]})
            if self.arguments_as_object:
                continue
            for piece in _pieces(str(call.arguments), 5):
                function: dict[str, Any] = {"arguments": piece}
                if self.empty_name_fragments:
                    # LM Studio 0.3.16 repeats an empty name in every later fragment.
                    function["name"] = ""
                yield self._chunk(
                    completion_id, {"tool_calls": [{"index": index, "function": function}]}
                )
        if not self.omit_finish_reason:
            yield self._chunk(completion_id, {}, self._finish_reason(reply))
        if include_usage:
            yield self._chunk(completion_id, None, usage=dict(USAGE))
        yield sse(None, "[DONE]")
