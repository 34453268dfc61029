"""A fake Assistants API server (reference/openai-protocols.md section b, real recordings).

Assistants, threads, messages and runs live in memory. A thread keeps, besides its message
objects, a neutral chat-like context (user / assistant with tool_calls / tool) that
ScriptedModel reads. Polled runs move queued -> in_progress -> requires_action / completed as
they are retrieved (`lasts` says how many GETs each status is shown for); streamed runs
advance at once and send the recorded SSE order of b.6, ending in `event: done`.

Faults, consumed one per created run from `faults`: "failed", "expired", "cancelled",
"incomplete" (the run ends so instead of producing output), "stuck" (stays in_progress; a
stream of it ends after `thread.run.in_progress` without `done`), "error_event" (a stream
sends an `error` event). `drop_streams` is consumed one per streamed response: the
connection closes after that many events while the run carries on server-side.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.model import Reply, ScriptedModel
from tests.fakes.server import FakeServer, Request, Response, sse

USAGE = {
    "prompt_tokens": 627,
    "completion_tokens": 34,
    "total_tokens": 661,
    "prompt_token_details": {"cached_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0},
}
ACTIVE = ("queued", "in_progress", "requires_action", "cancelling")
TERMINAL = ("completed", "failed", "cancelled", "expired", "incomplete")
FAULT_ENDS: dict[str, dict[str, Any]] = {
    "failed": {
        "last_error": {
            "code": "server_error",
            "message": "Sorry, something went wrong.",
        }
    },
    "expired": {},
    "cancelled": {},
    "incomplete": {"incomplete_details": {"reason": "max_completion_tokens"}},
}


def _error(status: int, message: str) -> Response:
    return Response(
        status,
        {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        },
    )


def _pieces(text: str, size: int = 6) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for part in content or []:
        if isinstance(part, dict) and part.get("type") == "text":
            text = part.get("text")
            parts.append(text.get("value", "") if isinstance(text, dict) else str(text or ""))
    return "".join(parts)


@dataclass
class _Run:
    """A run as the server keeps it."""

    obj: dict[str, Any]
    fault: str | None
    shown: int = 0
    step_id: str | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.obj["status"])


class FakeAssistants(FakeServer):
    """`/v1/assistants` and `/v1/threads/...` over ScriptedModel."""

    def __init__(self) -> None:
        super().__init__()
        self.model = ScriptedModel()
        self.faults: list[str] = []
        self.drop_streams: list[int | None] = []
        self.poll_after_ms: int | None = None
        # How many retrievals show each transient status before the run moves on.
        self.lasts: dict[str, int] = {"queued": 0, "in_progress": 1, "cancelling": 1}
        self.assistants: dict[str, dict[str, Any]] = {}
        self.threads: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, _Run] = {}
        self.submissions: list[dict[str, Any]] = []
        self.cancelled: list[str] = []
        self._ids = itertools.count(1)
        self._state = threading.RLock()
        a, t = r"(?P<aid>[^/]+)", r"(?P<tid>[^/]+)"
        run = rf"/v1/threads/{t}/runs/(?P<rid>[^/]+)"
        self.route("POST", "/v1/assistants")(self._create_assistant)
        self.route("GET", "/v1/assistants")(self._list_assistants)
        self.route("GET", f"/v1/assistants/{a}")(self._get_assistant)
        self.route("POST", f"/v1/assistants/{a}")(self._update_assistant)
        self.route("DELETE", f"/v1/assistants/{a}")(self._delete_assistant)
        self.route("POST", "/v1/threads")(self._create_thread)
        self.route("GET", f"/v1/threads/{t}")(self._get_thread)
        self.route("DELETE", f"/v1/threads/{t}")(self._delete_thread)
        self.route("POST", f"/v1/threads/{t}/messages")(self._add_message)
        self.route("GET", f"/v1/threads/{t}/messages")(self._list_messages)
        self.route("POST", f"/v1/threads/{t}/runs")(self._create_run)
        self.route("GET", f"/v1/threads/{t}/runs")(self._list_runs)
        self.route("GET", run)(self._get_run)
        self.route("POST", f"{run}/submit_tool_outputs")(self._submit)
        self.route("POST", f"{run}/cancel")(self._cancel)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):08d}"

    # -- helpers for tests ------------------------------------------------------------------

    def wait_for_a_poll(self, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
        """Wait until a weatherbot process (still running) has polled a run at least once."""
        deadline = time.monotonic() + seconds
        while self.count("GET", r"/v1/threads/[^/]+/runs/[^/]+") == 0:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the CLI never polled the run"
            time.sleep(0.01)  # waiting for another process; the CLI itself never sleeps here

    def user_messages(self, thread_id: str) -> list[str]:
        """The texts of the thread's user messages, oldest first."""
        return [
            _content_text(m["content"])
            for m in self.threads[thread_id]["messages"]
            if m["role"] == "user"
        ]

    def seed_active_run(
        self, thread_id: str, assistant_id: str, status: str = "in_progress"
    ) -> str:
        """Leave a run active on a thread, as a crashed earlier client would; its id."""
        with self._state:
            run = self._new_run(thread_id, assistant_id, None)
            run.obj["status"] = status
            if status == "in_progress":
                run.fault = "stuck"
            return str(run.obj["id"])

    # -- assistants -------------------------------------------------------------------------

    def _missing(self, kind: str, ident: str) -> Response:
        return _error(404, f"No {kind} found with id '{ident}'.")

    def _create_assistant(self, request: Request) -> Response:
        body = request.json or {}
        obj = {
            "id": self._id("asst"),
            "object": "assistant",
            "created_at": int(time.time()),
            "name": body.get("name"),
            "description": body.get("description"),
            "model": body.get("model"),
            "instructions": body.get("instructions"),
            "tools": [self._tool(t) for t in body.get("tools") or []],
            "top_p": 1.0,
            "temperature": 1.0,
            "reasoning_effort": None,
            "tool_resources": {},
            "metadata": body.get("metadata") or {},
            "response_format": "auto",
        }
        with self._state:
            self.assistants[obj["id"]] = obj
        return Response(200, obj)

    @staticmethod
    def _tool(tool: dict[str, Any]) -> dict[str, Any]:
        function = dict(tool.get("function") or {})
        function.setdefault("parameters", {"type": "object", "properties": {}})
        function.setdefault("strict", False)
        return {"type": tool.get("type", "function"), "function": function}

    def _list_assistants(self, request: Request) -> Response:
        data = list(self.assistants.values())
        return Response(200, self._page(data, request))

    def _get_assistant(self, request: Request) -> Response:
        obj = self.assistants.get(request.params["aid"])
        return Response(200, obj) if obj else self._missing("assistant", request.params["aid"])

    def _update_assistant(self, request: Request) -> Response:
        aid = request.params["aid"]
        with self._state:
            obj = self.assistants.get(aid)
            if obj is None:
                return self._missing("assistant", aid)
            body = request.json or {}
            for key in ("model", "instructions", "name", "description", "metadata"):
                if key in body:
                    obj[key] = body[key]
            if "tools" in body:
                obj["tools"] = [self._tool(t) for t in body["tools"]]
        return Response(200, obj)

    def _delete_assistant(self, request: Request) -> Response:
        aid = request.params["aid"]
        with self._state:
            if self.assistants.pop(aid, None) is None:
                return self._missing("assistant", aid)
        return Response(200, {"id": aid, "object": "assistant.deleted", "deleted": True})

    # -- threads and messages ---------------------------------------------------------------

    def _create_thread(self, request: Request) -> Response:
        body = request.json or {}
        thread = {
            "id": self._id("thread"),
            "object": "thread",
            "created_at": int(time.time()),
            "metadata": body.get("metadata") or {},
            "tool_resources": {},
        }
        with self._state:
            self.threads[thread["id"]] = {"obj": thread, "messages": [], "context": []}
            for message in body.get("messages") or []:
                self._store_user_message(thread["id"], message)
        return Response(200, thread)

    def _get_thread(self, request: Request) -> Response:
        thread = self.threads.get(request.params["tid"])
        if thread is None:
            return self._missing("thread", request.params["tid"])
        return Response(200, thread["obj"])

    def _delete_thread(self, request: Request) -> Response:
        tid = request.params["tid"]
        with self._state:
            if self.threads.pop(tid, None) is None:
                return self._missing("thread", tid)
        return Response(200, {"id": tid, "object": "thread.deleted", "deleted": True})

    def _active_run(self, thread_id: str) -> _Run | None:
        for run in self.runs.values():
            if run.obj["thread_id"] == thread_id and run.status in ACTIVE:
                return run
        return None

    def _message(
        self, thread_id: str, role: str, text: str, run: _Run | None, status: str = "completed"
    ) -> dict[str, Any]:
        now = int(time.time())
        return {
            "id": self._id("msg"),
            "object": "thread.message",
            "created_at": now,
            "assistant_id": run.obj["assistant_id"] if run else None,
            "thread_id": thread_id,
            "run_id": run.obj["id"] if run else None,
            "status": status,
            "incomplete_details": None,
            "incomplete_at": None,
            "completed_at": now if status == "completed" else None,
            "role": role,
            "content": [{"type": "text", "text": {"value": text, "annotations": []}}]
            if text
            else [],
            "attachments": [],
            "metadata": {},
        }

    def _store_user_message(self, thread_id: str, body: dict[str, Any]) -> dict[str, Any]:
        text = _content_text(body.get("content"))
        message = self._message(thread_id, str(body.get("role", "user")), text, None)
        thread = self.threads[thread_id]
        thread["messages"].append(message)
        thread["context"].append({"role": message["role"], "content": text})
        return message

    def _add_message(self, request: Request) -> Response:
        tid = request.params["tid"]
        with self._state:
            if tid not in self.threads:
                return self._missing("thread", tid)
            active = self._active_run(tid)
            if active is not None:
                return _error(
                    400, f"Can't add messages to {tid} while a run {active.obj['id']} is active."
                )
            return Response(200, self._store_user_message(tid, request.json or {}))

    def _page(self, data: list[dict[str, Any]], request: Request) -> dict[str, Any]:
        after = request.query.get("after")
        if after:
            ids = [d["id"] for d in data]
            data = data[ids.index(after) + 1 :] if after in ids else []
        limit = int(request.query.get("limit", "20"))
        page = data[:limit]
        return {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(data) > limit,
        }

    def _list_messages(self, request: Request) -> Response:
        tid = request.params["tid"]
        with self._state:
            if tid not in self.threads:
                return self._missing("thread", tid)
            data = list(self.threads[tid]["messages"])
        if request.query.get("run_id"):
            data = [m for m in data if m["run_id"] == request.query["run_id"]]
        if request.query.get("order", "desc") == "desc":
            data.reverse()
        return Response(200, self._page(data, request))

    # -- runs -------------------------------------------------------------------------------

    def _new_run(self, thread_id: str, assistant_id: str, fault: str | None) -> _Run:
        now = int(time.time())
        assistant = self.assistants.get(assistant_id, {})
        obj: dict[str, Any] = {
            "id": self._id("run"),
            "object": "thread.run",
            "created_at": now,
            "assistant_id": assistant_id,
            "thread_id": thread_id,
            "status": "queued",
            "started_at": None,
            "expires_at": now + 600,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "required_action": None,
            "last_error": None,
            "model": assistant.get("model"),
            "instructions": assistant.get("instructions"),
            "tools": assistant.get("tools", []),
            "tool_resources": {},
            "metadata": {},
            "temperature": 1.0,
            "top_p": 1.0,
            "reasoning_effort": None,
            "max_completion_tokens": None,
            "max_prompt_tokens": None,
            "truncation_strategy": {"type": "auto", "last_messages": None},
            "incomplete_details": None,
            "usage": None,
            "response_format": "auto",
            "tool_choice": "auto",
            "parallel_tool_calls": True,
        }
        run = _Run(obj, fault)
        self.runs[obj["id"]] = run
        return run

    def _run_response(self, run: _Run) -> Response:
        headers = {}
        if self.poll_after_ms is not None:
            headers["openai-poll-after-ms"] = str(self.poll_after_ms)
        return Response(200, json.loads(json.dumps(run.obj)), headers=headers)

    def _find_run(self, request: Request) -> _Run | Response:
        tid, rid = request.params["tid"], request.params["rid"]
        if tid not in self.threads:
            return self._missing("thread", tid)
        run = self.runs.get(rid)
        if run is None or run.obj["thread_id"] != tid:
            return self._missing("run", rid)
        return run

    def _create_run(self, request: Request) -> Response:
        tid = request.params["tid"]
        body = request.json or {}
        with self._state:
            if tid not in self.threads:
                return self._missing("thread", tid)
            aid = str(body.get("assistant_id"))
            if aid not in self.assistants:
                return self._missing("assistant", aid)
            active = self._active_run(tid)
            if active is not None:
                return _error(400, f"Thread {tid} already has an active run {active.obj['id']}.")
            run = self._new_run(tid, aid, self.faults.pop(0) if self.faults else None)
            if not body.get("stream"):
                return self._run_response(run)
            events = [sse("thread.run.created", dict(run.obj))]
            events += self._stream_progress(run)
            return self._sse(events)

    def _list_runs(self, request: Request) -> Response:
        tid = request.params["tid"]
        with self._state:
            if tid not in self.threads:
                return self._missing("thread", tid)
            data = [dict(r.obj) for r in self.runs.values() if r.obj["thread_id"] == tid]
        if request.query.get("order", "desc") == "desc":
            data.reverse()
        return Response(200, self._page(data, request))

    def _get_run(self, request: Request) -> Response:
        with self._state:
            run = self._find_run(request)
            if isinstance(run, Response):
                return run
            self._tick(run)
            return self._run_response(run)

    def _tick(self, run: _Run) -> None:
        """One retrieval: move on from a transient status once it has been shown enough."""
        while run.status in self.lasts and run.shown >= self.lasts[run.status]:
            if not self._advance(run):
                break
        run.shown += 1

    def _set_status(self, run: _Run, status: str) -> None:
        run.obj["status"] = status
        run.shown = 0
        now = int(time.time())
        if status == "in_progress":
            run.obj["started_at"] = now
        elif status in TERMINAL:
            run.obj["required_action"] = None
            run.obj["expires_at"] = None
            stamp = {
                "completed": "completed_at",
                "failed": "failed_at",
                "cancelled": "cancelled_at",
            }
            if status in stamp:
                run.obj[stamp[status]] = now

    def _advance(self, run: _Run) -> bool:
        """Move the run one status on; False when it stays where it is."""
        if run.status == "queued":
            self._set_status(run, "in_progress")
            return True
        if run.status == "cancelling":
            self._set_status(run, "cancelled")
            return True
        if run.status != "in_progress" or run.fault == "stuck":
            return False
        self._decide(run)
        return True

    def _decide(self, run: _Run) -> tuple[Reply | None, dict[str, Any] | None]:
        """The model's step for an in_progress run: tool calls, an answer, or a fault end."""
        if run.fault in FAULT_ENDS:
            run.obj.update(json.loads(json.dumps(FAULT_ENDS[run.fault])))
            self._set_status(run, run.fault)
            return None, None
        thread = self.threads[run.obj["thread_id"]]
        reply = self.model.respond(list(thread["context"]), run.obj.get("instructions"))
        message = None
        if reply.text:
            message = self._message(run.obj["thread_id"], "assistant", reply.text, run)
            thread["messages"].append(message)
        if reply.tool_calls:
            run.calls = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {
                        "name": call.name,
                        "arguments": call.arguments
                        if isinstance(call.arguments, str)
                        else json.dumps(call.arguments),
                    },
                }
                for call in reply.tool_calls
            ]
            thread["context"].append(
                {"role": "assistant", "content": reply.text, "tool_calls": run.calls}
            )
            run.step_id = self._id("step")
            run.obj["required_action"] = {
                "type": "submit_tool_outputs",
                "submit_tool_outputs": {"tool_calls": run.calls},
            }
            run.obj["status"] = "requires_action"
            run.shown = 0
        else:
            thread["context"].append({"role": "assistant", "content": reply.text or ""})
            run.obj["usage"] = dict(USAGE)
            self._set_status(run, "completed")
        return reply, message

    def _submit(self, request: Request) -> Response:
        body = request.json or {}
        with self._state:
            run = self._find_run(request)
            if isinstance(run, Response):
                return run
            if run.status != "requires_action":
                return _error(400, f'Runs in status "{run.status}" do not accept tool outputs.')
            outputs = body.get("tool_outputs") or []
            got = [str(o.get("tool_call_id")) for o in outputs]
            expected = [c["id"] for c in run.calls]
            if sorted(got) != sorted(expected):
                return _error(400, f"Expected tool outputs for call_ids {expected}, got {got}")
            self.submissions.append({"run_id": run.obj["id"], "tool_outputs": outputs})
            by_id = {str(o["tool_call_id"]): str(o.get("output", "")) for o in outputs}
            context = self.threads[run.obj["thread_id"]]["context"]
            for call in run.calls:
                context.append(
                    {"role": "tool", "tool_call_id": call["id"], "content": by_id[call["id"]]}
                )
            step = self._tool_step(run, "completed", outputs=by_id)
            run.calls = []
            self._set_status(run, "queued")
            run.obj["required_action"] = None
            if not body.get("stream"):
                return self._run_response(run)
            events = [sse("thread.run.step.completed", step)]
            events += self._stream_progress(run, first=False)
            return self._sse(events)

    def _cancel(self, request: Request) -> Response:
        with self._state:
            run = self._find_run(request)
            if isinstance(run, Response):
                return run
            if run.status in TERMINAL or run.status == "cancelling":
                return _error(400, f"Cannot cancel run with status '{run.status}'.")
            self.cancelled.append(str(run.obj["id"]))
            self._set_status(run, "cancelling")
            return self._run_response(run)

    # -- streaming --------------------------------------------------------------------------

    def _sse(self, events: list[tuple[str | None, str]]) -> Response:
        drop = self.drop_streams.pop(0) if self.drop_streams else None
        return Response(200, events=events, drop_after=drop)

    def _step(self, run: _Run, kind: str, status: str, details: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": run.step_id if kind == "tool_calls" else self._id("step"),
            "object": "thread.run.step",
            "created_at": int(time.time()),
            "run_id": run.obj["id"],
            "assistant_id": run.obj["assistant_id"],
            "thread_id": run.obj["thread_id"],
            "type": kind,
            "status": status,
            "cancelled_at": None,
            "completed_at": None,
            "expires_at": run.obj["expires_at"],
            "failed_at": None,
            "last_error": None,
            "step_details": details,
            "usage": None,
        }

    def _tool_step(
        self, run: _Run, status: str, outputs: dict[str, str] | None = None
    ) -> dict[str, Any]:
        calls = []
        for call in run.calls if outputs is not None else []:
            function = dict(call["function"])
            function["output"] = outputs.get(call["id"]) if outputs else None
            calls.append({"id": call["id"], "type": "function", "function": function})
        return self._step(run, "tool_calls", status, {"type": "tool_calls", "tool_calls": calls})

    def _run_event(self, run: _Run) -> tuple[str | None, str]:
        return sse(f"thread.run.{run.status}", json.loads(json.dumps(run.obj)))

    def _stream_progress(self, run: _Run, first: bool = True) -> list[tuple[str | None, str]]:
        """Advance a queued run to its next stop, as the SSE events that show it (b.6)."""
        events = [self._run_event(run)]  # queued
        self._set_status(run, "in_progress")
        events.append(self._run_event(run))
        if run.fault == "stuck":
            return events  # the stream ends without a terminal status and without `done`
        if run.fault == "error_event":
            run.fault = None
            events.append(
                sse(
                    "error",
                    {
                        "code": "server_error",
                        "message": "The server had an error while processing your request.",
                        "param": None,
                        "type": "server_error",
                    },
                )
            )
            events.append(sse("done", "[DONE]"))
            return events
        reply, message = self._decide(run)
        if reply is None:
            events.append(self._run_event(run))  # the fault's end status
        else:
            events += self._reply_events(run, reply, message)
        events.append(sse("done", "[DONE]"))
        return events

    def _reply_events(
        self, run: _Run, reply: Reply, message: dict[str, Any] | None
    ) -> list[tuple[str | None, str]]:
        events: list[tuple[str | None, str]] = []
        if message is not None:
            details = {
                "type": "message_creation",
                "message_creation": {"message_id": message["id"]},
            }
            step = self._step(run, "message_creation", "in_progress", details)
            events.append(sse("thread.run.step.created", step))
            events.append(sse("thread.run.step.in_progress", step))
            empty = dict(message, status="in_progress", content=[], completed_at=None)
            events.append(sse("thread.message.created", empty))
            events.append(sse("thread.message.in_progress", empty))
            for n, piece in enumerate(_pieces(reply.text or "")):
                text: dict[str, Any] = {"value": piece}
                if n == 0:
                    text["annotations"] = []
                delta = {"content": [{"index": 0, "type": "text", "text": text}]}
                events.append(
                    sse(
                        "thread.message.delta",
                        {"id": message["id"], "object": "thread.message.delta", "delta": delta},
                    )
                )
            events.append(sse("thread.message.completed", message))
            done_step = dict(step, status="completed", usage=dict(USAGE))
            events.append(sse("thread.run.step.completed", done_step))
        if run.status == "requires_action":
            step = self._tool_step(run, "in_progress")
            events.append(sse("thread.run.step.created", step))
            events.append(sse("thread.run.step.in_progress", step))
            for index, call in enumerate(run.calls):
                first = {
                    "index": index,
                    "id": call["id"],
                    "type": "function",
                    "function": {"name": call["function"]["name"], "arguments": "", "output": None},
                }
                rest = {
                    "index": index,
                    "type": "function",
                    "function": {"arguments": call["function"]["arguments"]},
                }
                for piece in (first, rest):
                    delta = {"step_details": {"type": "tool_calls", "tool_calls": [piece]}}
                    events.append(
                        sse(
                            "thread.run.step.delta",
                            {"id": run.step_id, "object": "thread.run.step.delta", "delta": delta},
                        )
                    )
        events.append(self._run_event(run))
        return events
