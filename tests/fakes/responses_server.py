"""A fake Responses API + Conversations server (reference/openai-protocols.md section c).

Conversations store items (message, reasoning, function_call, function_call_output). A
response's context is its conversation's items plus its input; ScriptedModel decides the
output from that context turned into a neutral chat-like list. Like a reasoning model, a
`reasoning` item precedes function calls. Background responses move queued -> in_progress ->
a terminal status as they are polled; streams follow the recorded event order of c.4.

`faults` is a queue consumed one per created response: "failed", "incomplete", "stuck"
(stays in_progress), "drop_stream" (the stream is cut before its terminal event while the
response completes server-side), "error_event" (a typed `error` event ends the stream).
`drop_streams` cuts streams after a number of events, one entry per stream served; a
background response's stream can be picked up again with `GET /responses/{id}?stream=true
&starting_after=N`, as on the real API.

Two modes misbehave as third-party servers do (issue 19). `conversations=False`: like the
LiteLLM proxy, every `/v1/conversations` path answers 404 `{"detail": "Not Found"}`.
`ignoring=True`: the Conversations API is there, but a response ignores `background` and
`conversation` (accepted without complaint): it comes back completed at once with
`"background": null, "conversation": null`, and the model sees only the request's own input,
so a lost context shows (a follow-up answered without the earlier place).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.model import Reply, ScriptedModel
from tests.fakes.server import FakeServer, Request, Response, sse

USAGE = {
    "input_tokens": 120,
    "input_tokens_details": {"cached_tokens": 0},
    "output_tokens": 40,
    "output_tokens_details": {"reasoning_tokens": 16},
    "total_tokens": 160,
}
FAILED_ERROR = {"code": "server_error", "message": "The model failed to generate a response."}
TERMINAL = ("completed", "failed", "cancelled", "incomplete")


@dataclass
class _Stored:
    """A response as the server keeps it."""

    body: dict[str, Any]
    outputs: list[dict[str, Any]]
    inputs: list[dict[str, Any]]
    conversation: str | None
    fault: str | None
    background: bool
    polls: int = 0
    events: list[tuple[str | None, str]] = field(default_factory=list)


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


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _text_of(item: dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content or [] if isinstance(part, dict))


class FakeResponses(FakeServer):
    """`/v1/responses` and `/v1/conversations` over ScriptedModel."""

    def __init__(
        self,
        model_name: str = "gpt-5.4-mini",
        *,
        conversations: bool = True,
        ignoring: bool = False,
    ) -> None:
        super().__init__()
        self.model = ScriptedModel()
        self.model_name = model_name
        self.has_conversations = conversations
        self.ignoring = ignoring
        self.faults: list[str] = []
        self.poll_after_ms: int | None = None
        self.conversations: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, _Stored] = {}
        self.cancelled: list[str] = []
        # Consumed one per stream served (created or resumed): cut after that many events.
        self.drop_streams: list[int | None] = []
        # (response id, starting_after) of every resumed stream.
        self.resumes: list[tuple[str, str | None]] = []
        self._ids = itertools.count(1)
        self._state = threading.RLock()
        if conversations:
            self.route("POST", "/v1/conversations")(self._create_conversation)
            self.route("GET", r"/v1/conversations/(?P<cid>[^/]+)")(self._get_conversation)
            self.route("DELETE", r"/v1/conversations/(?P<cid>[^/]+)")(self._delete_conversation)
            self.route("GET", r"/v1/conversations/(?P<cid>[^/]+)/items")(self._list_items)
            self.route("POST", r"/v1/conversations/(?P<cid>[^/]+)/items")(self._add_items)
        else:
            for method in ("GET", "POST", "DELETE"):
                self.route(method, r"/v1/conversations(/.*)?")(self._not_found)
        self.route("POST", "/v1/responses")(self._create_response)
        self.route("GET", r"/v1/responses/(?P<rid>[^/]+)")(self._get_response)
        self.route("POST", r"/v1/responses/(?P<rid>[^/]+)/cancel")(self._cancel_response)

    @staticmethod
    def _not_found(request: Request) -> Response:
        # FastAPI's answer for a path it has no route for (LiteLLM proxy 1.110).
        return Response(404, {"detail": "Not Found"})

    def polls(self) -> int:
        """How many times a response was polled (GET /v1/responses/{id}, not streamed)."""
        return sum(
            1
            for r in self.requests
            if r.method == "GET" and r.path.startswith("/v1/responses/") and "stream" not in r.query
        )

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):08d}"

    # -- conversations ----------------------------------------------------------------------

    def items(self, conversation_id: str) -> list[dict[str, Any]]:
        """The items of a conversation, oldest first."""
        return list(self.conversations[conversation_id]["items"])

    def _conversation_object(self, conv: dict[str, Any]) -> dict[str, Any]:
        return {k: conv[k] for k in ("id", "object", "created_at", "metadata")}

    def _missing_conversation(self, cid: str) -> Response:
        return Response(
            404,
            {
                "error": {
                    "message": f"Conversation with id '{cid}' not found.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            },
        )

    def _create_conversation(self, request: Request) -> Response:
        body = request.json or {}
        conv: dict[str, Any] = {
            "id": self._id("conv"),
            "object": "conversation",
            "created_at": int(time.time()),
            "metadata": body.get("metadata") or {},
            "items": [],
        }
        with self._state:
            conv["items"] = [self._stored_item(i) for i in body.get("items") or []]
            self.conversations[conv["id"]] = conv
        return Response(200, self._conversation_object(conv))

    def _get_conversation(self, request: Request) -> Response:
        conv = self.conversations.get(request.params["cid"])
        if conv is None:
            return self._missing_conversation(request.params["cid"])
        return Response(200, self._conversation_object(conv))

    def _delete_conversation(self, request: Request) -> Response:
        cid = request.params["cid"]
        with self._state:
            if self.conversations.pop(cid, None) is None:
                return self._missing_conversation(cid)
        return Response(200, {"id": cid, "object": "conversation.deleted", "deleted": True})

    def _list_items(self, request: Request) -> Response:
        cid = request.params["cid"]
        if cid not in self.conversations:
            return self._missing_conversation(cid)
        items = self.items(cid)
        if request.query.get("order", "desc") == "desc":
            items.reverse()
        after = request.query.get("after")
        if after:
            ids = [i["id"] for i in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        limit = int(request.query.get("limit", "20"))
        page = items[:limit]
        return Response(
            200,
            {
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
                "has_more": len(items) > limit,
            },
        )

    def _add_items(self, request: Request) -> Response:
        cid = request.params["cid"]
        if cid not in self.conversations:
            return self._missing_conversation(cid)
        with self._state:
            added = [self._stored_item(i) for i in (request.json or {}).get("items") or []]
            self.conversations[cid]["items"].extend(added)
        return Response(
            200,
            {
                "object": "list",
                "data": added,
                "first_id": added[0]["id"] if added else None,
                "last_id": added[-1]["id"] if added else None,
                "has_more": False,
            },
        )

    def _stored_item(self, item: Any) -> dict[str, Any]:
        if isinstance(item, str):
            item = {"role": "user", "content": item}
        kind = item.get("type", "message")
        if kind == "message":
            role = item.get("role", "user")
            part = "output_text" if role == "assistant" else "input_text"
            return {
                "id": self._id("msg"),
                "type": "message",
                "status": "completed",
                "role": role,
                "content": [{"type": part, "text": _text_of(item)}],
            }
        if kind == "function_call_output":
            return {
                "id": self._id("fco"),
                "type": "function_call_output",
                "status": "completed",
                "call_id": item.get("call_id"),
                "output": item.get("output"),
            }
        return {"id": item.get("id") or self._id("item"), **item}

    # -- responses --------------------------------------------------------------------------

    @staticmethod
    def _check_calls_answered(context: list[dict[str, Any]]) -> Response | None:
        calls = [i["call_id"] for i in context if i.get("type") == "function_call"]
        outputs = [i["call_id"] for i in context if i.get("type") == "function_call_output"]
        for call_id in outputs:
            if call_id not in calls:
                return _error(
                    400,
                    f"No tool call found for function call output with call_id {call_id}.",
                    "input",
                )
        for call_id in calls:
            if call_id not in outputs:
                return _error(400, f"No tool output found for function call {call_id}.", "input")
        return None

    @staticmethod
    def _neutral(context: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for item in context:
            kind = item.get("type")
            if kind == "message" and item.get("role") in ("user", "assistant"):
                out.append({"role": item["role"], "content": _text_of(item)})
            elif kind == "function_call":
                call = {
                    "id": item["call_id"],
                    "type": "function",
                    "function": {"name": item["name"], "arguments": item["arguments"]},
                }
                if out and out[-1]["role"] == "assistant" and "tool_calls" in out[-1]:
                    out[-1]["tool_calls"].append(call)
                else:
                    out.append({"role": "assistant", "content": None, "tool_calls": [call]})
            elif kind == "function_call_output":
                out.append(
                    {"role": "tool", "tool_call_id": item["call_id"], "content": item["output"]}
                )
        return out

    def _outputs(self, reply: Reply) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        if reply.tool_calls:
            items.append({"id": self._id("rs"), "type": "reasoning", "summary": []})
            for call in reply.tool_calls:
                arguments = call.arguments
                items.append(
                    {
                        "id": self._id("fc"),
                        "type": "function_call",
                        "status": "completed",
                        "arguments": arguments
                        if isinstance(arguments, str)
                        else json.dumps(arguments),
                        "call_id": call.id,
                        "name": call.name,
                    }
                )
        if reply.text:
            items.append(
                {
                    "id": self._id("msg"),
                    "type": "message",
                    "status": "completed",
                    "role": "assistant",
                    "content": [
                        {
                            "type": "output_text",
                            "annotations": [],
                            "logprobs": [],
                            "text": reply.text,
                        }
                    ],
                }
            )
        return items

    def _create_response(self, request: Request) -> Response:
        body = request.json or {}
        for n, tool in enumerate(body.get("tools") or []):
            if tool.get("type") == "function" and "name" not in tool:
                return _error(
                    400, f"Missing required parameter: 'tools[{n}].name'.", f"tools[{n}].name"
                )
        conversation = body.get("conversation")
        cid = conversation.get("id") if isinstance(conversation, dict) else conversation
        if self.ignoring:
            cid = None  # accepted, and ignored: no context from it, nothing added to it
        raw_input = body.get("input") or []
        if isinstance(raw_input, str):
            raw_input = [{"role": "user", "content": raw_input}]
        with self._state:
            if cid is not None and cid not in self.conversations:
                return self._missing_conversation(cid)
            inputs = [self._stored_item(i) for i in raw_input]
            context = (self.items(cid) if cid else []) + inputs
            problem = self._check_calls_answered(context)
            if problem is not None:
                return problem
            reply = self.model.respond(self._neutral(context), body.get("instructions"))
            fault = self.faults.pop(0) if self.faults else None
            background = bool(body.get("background")) and not self.ignoring
            rid = self._id("resp")
            stored = _Stored(
                body={
                    "id": rid,
                    "object": "response",
                    "created_at": int(time.time()),
                    "status": "queued" if background else "in_progress",
                    "background": None if self.ignoring else background,
                    "conversation": {"id": cid} if cid else None,
                    "error": None,
                    "incomplete_details": None,
                    "instructions": body.get("instructions"),
                    "max_output_tokens": None,
                    "metadata": {},
                    "model": self.model_name,
                    "output": [],
                    "parallel_tool_calls": True,
                    "previous_response_id": None,
                    "reasoning": {"effort": "medium", "summary": None},
                    "store": body.get("store", True),
                    "text": {"format": {"type": "text"}, "verbosity": "medium"},
                    "tool_choice": "auto",
                    "tools": body.get("tools") or [],
                    "truncation": "disabled",
                    "usage": None,
                },
                outputs=self._outputs(reply),
                inputs=inputs,
                conversation=cid,
                fault=fault,
                background=background,
            )
            self.responses[rid] = stored
            if body.get("stream"):
                stored.events = events = self._stream_events(stored)
                drop = self.drop_streams.pop(0) if self.drop_streams else None
                if fault == "drop_stream":
                    drop = len(events) - 1
                    stored.events = events[:-1]  # the terminal event was never sent
                    self._finish(stored, "completed")
                return Response(events=iter(events), drop_after=drop)
            if not background:
                self._finish(stored, self._end_status(stored))
            return Response(200, dict(stored.body), headers=self._poll_headers())

    def _poll_headers(self) -> dict[str, str]:
        if self.poll_after_ms is None:
            return {}
        return {"openai-poll-after-ms": str(self.poll_after_ms)}

    @staticmethod
    def _end_status(stored: _Stored) -> str:
        if stored.fault in ("failed", "incomplete"):
            return stored.fault
        return "completed"

    def _finish(self, stored: _Stored, status: str) -> None:
        body = stored.body
        body["status"] = status
        if status == "completed":
            body["output"] = stored.outputs
            body["usage"] = dict(USAGE)
            if stored.conversation in self.conversations:
                items = self.conversations[stored.conversation]["items"]
                items.extend(stored.inputs)
                items.extend(stored.outputs)
        elif status == "failed":
            body["error"] = dict(FAILED_ERROR)
        elif status == "incomplete":
            body["incomplete_details"] = {"reason": "max_output_tokens"}
            body["usage"] = dict(USAGE)

    def _get_response(self, request: Request) -> Response:
        with self._state:
            stored = self.responses.get(request.params["rid"])
            if stored is None:
                return _error(404, f"Response with id '{request.params['rid']}' not found.")
            if request.query.get("stream") == "true":
                return self._resume_stream(stored, request.query.get("starting_after"))
            stored.polls += 1
            status = stored.body["status"]
            if status == "queued":
                stored.body["status"] = "in_progress"
            elif status == "in_progress" and stored.fault != "stuck":
                self._finish(stored, self._end_status(stored))
            return Response(200, json.loads(json.dumps(stored.body)), headers=self._poll_headers())

    def _cancel_response(self, request: Request) -> Response:
        with self._state:
            stored = self.responses.get(request.params["rid"])
            if stored is None:
                return _error(404, f"Response with id '{request.params['rid']}' not found.")
            if not stored.background:
                return _error(400, "Cannot cancel a synchronous response.")
            self.cancelled.append(stored.body["id"])
            if stored.body["status"] not in TERMINAL:
                stored.body["status"] = "cancelled"
            return Response(200, dict(stored.body))

    # -- streaming --------------------------------------------------------------------------

    def _resume_stream(self, stored: _Stored, after: str | None) -> Response:
        """GET /responses/{id}?stream=true&starting_after=N: the events after N, again."""
        if not stored.background:
            return _error(400, "Only background responses can be streamed again.")
        self.resumes.append((stored.body["id"], after))
        start = int(after) + 1 if after is not None else 0
        events = [e for e in stored.events if json.loads(e[1]).get("sequence_number", -1) >= start]
        if stored.fault == "drop_stream":
            # The response completed on the server: its terminal event is there this time.
            events.append(
                sse(
                    "response.completed",
                    {
                        "type": "response.completed",
                        "sequence_number": len(stored.events),
                        "response": json.loads(json.dumps(stored.body)),
                    },
                )
            )
        drop = self.drop_streams.pop(0) if self.drop_streams else None
        return Response(events=iter(events), drop_after=drop)

    def _stream_events(self, stored: _Stored) -> list[tuple[str | None, str]]:
        seq = itertools.count()
        events: list[tuple[str | None, str]] = []

        def emit(kind: str, **data: Any) -> None:
            events.append(sse(kind, {"type": kind, "sequence_number": next(seq), **data}))

        snapshot = json.loads(json.dumps(stored.body))
        emit("response.created", response={**snapshot, "status": snapshot["status"]})
        if stored.background:
            emit("response.queued", response={**snapshot, "status": "queued"})
        snapshot["status"] = "in_progress"
        emit("response.in_progress", response=snapshot)
        for index, item in enumerate(stored.outputs):
            if item["type"] == "function_call":
                emit(
                    "response.output_item.added",
                    output_index=index,
                    item={**item, "status": "in_progress", "arguments": ""},
                )
                for piece in _pieces(item["arguments"], 6):
                    emit(
                        "response.function_call_arguments.delta",
                        item_id=item["id"],
                        output_index=index,
                        delta=piece,
                        obfuscation="x",
                    )
                emit(
                    "response.function_call_arguments.done",
                    item_id=item["id"],
                    output_index=index,
                    arguments=item["arguments"],
                )
                emit("response.output_item.done", output_index=index, item=item)
            elif item["type"] == "message":
                text = item["content"][0]["text"]
                emit(
                    "response.output_item.added",
                    output_index=index,
                    item={**item, "status": "in_progress", "content": []},
                )
                part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
                emit(
                    "response.content_part.added",
                    item_id=item["id"],
                    output_index=index,
                    content_index=0,
                    part=part,
                )
                for piece in _pieces(text, 10):
                    emit(
                        "response.output_text.delta",
                        item_id=item["id"],
                        output_index=index,
                        content_index=0,
                        delta=piece,
                        logprobs=[],
                    )
                emit(
                    "response.output_text.done",
                    item_id=item["id"],
                    output_index=index,
                    content_index=0,
                    text=text,
                    logprobs=[],
                )
                emit(
                    "response.content_part.done",
                    item_id=item["id"],
                    output_index=index,
                    content_index=0,
                    part={**part, "text": text},
                )
                emit("response.output_item.done", output_index=index, item=item)
            else:
                emit("response.output_item.added", output_index=index, item=item)
                emit("response.output_item.done", output_index=index, item=item)
        if stored.fault == "error_event":
            emit("error", code="server_error", message="The server had an error.", param=None)
            self._finish(stored, "failed")
            return events
        if stored.fault == "drop_stream":
            emit("response.completed", response={})  # never sent: the stream drops before it
            return events
        status = self._end_status(stored)
        self._finish(stored, status)
        emit(f"response.{status}", response=json.loads(json.dumps(stored.body)))
        return events
