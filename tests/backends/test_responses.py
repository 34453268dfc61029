"""The responses backend driven by the real openai SDK over loopback against FakeResponses."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from tests.backends.stubs import stub_context
from tests.fakes.model import Reply, ToolCallSpec
from tests.fakes.responses_server import FakeResponses
from tests.fakes.server import Response
from weatherbot.backends.base import (
    MAX_TOOL_ROUNDS,
    Profile,
    Runtime,
    TurnRequest,
    instructions_for,
)
from weatherbot.backends.openai_client import PollSchedule
from weatherbot.backends.responses import ResponsesBackend
from weatherbot.backends.responses_wire import ResponsesAPI, Wire
from weatherbot.errors import APIError, Interrupted, RunFailed
from weatherbot.events import (
    Done,
    Event,
    Notice,
    RunStatus,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from weatherbot.settings import Secret, Settings
from weatherbot.tools.weather import default_registry

QUESTION = "What's the weather in San Francisco today and the likelihood it'll rain?"


@dataclass
class FakeTime:
    """A recorded sleep and a clock that only moves when slept; `interrupt_at` raises Ctrl-C."""

    sleeps: list[float] = field(default_factory=list)
    interrupt_at: int | None = None

    def sleep(self, seconds: float) -> None:
        if self.interrupt_at is not None and len(self.sleeps) + 1 >= self.interrupt_at:
            raise KeyboardInterrupt
        self.sleeps.append(seconds)

    def clock(self) -> float:
        return sum(self.sleeps)


@pytest.fixture
def fake() -> Iterator[FakeResponses]:
    server = FakeResponses()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def backend(fake: FakeResponses, clock: FakeTime, tmp_path: Path) -> Iterator[ResponsesBackend]:
    settings = Settings(
        backend="responses",
        api_key=Secret("sk-test"),
        base_url=fake.base_url + "/v1",
        home=tmp_path,
    )
    registry = default_registry()
    profile = Profile(settings.model, instructions_for("auto"), tuple(registry.schemas()))
    runtime = Runtime(settings, profile, registry, sleep=clock.sleep, clock=clock.clock)
    b = ResponsesBackend(runtime)
    yield b
    b.close()


def request(thread_id: str, question: str = QUESTION, stream: bool = False) -> TurnRequest:
    ctx = stub_context()
    return TurnRequest(question, thread_id, None, ctx, stream=stream)


def run(backend: ResponsesBackend, req: TurnRequest) -> tuple[list[Event], Done]:
    events = list(backend.run_turn(req))
    dones = [e for e in events if isinstance(e, Done)]
    assert len(dones) == 1 and events[-1] is dones[0]
    started = [e.call_id for e in events if isinstance(e, ToolCallStarted)]
    finished = [e.call_id for e in events if isinstance(e, ToolCallFinished)]
    assert sorted(started) == sorted(finished)
    return events, dones[0]


def creates(fake: FakeResponses) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests if r.method == "POST" and r.path == "/v1/responses"]


def assert_seed(fake: FakeResponses, thread: str, events: list[Event], done: Done) -> None:
    assert "57.2°F" in done.answer and "20%" in done.answer
    bodies = creates(fake)
    assert len(bodies) == 2  # both outputs answered in one follow-up request
    first, second = bodies
    assert first["conversation"] == thread and second["conversation"] == thread
    assert first["input"] == [{"role": "user", "content": QUESTION}]
    assert [i["type"] for i in second["input"]] == ["function_call_output"] * 2
    for body in bodies:
        assert body["instructions"].startswith("You are weatherbot")
        assert body["store"] is True
        tool = body["tools"][0]
        assert tool["type"] == "function" and tool["name"] == "get_current_temperature"
        assert tool["strict"] is False and "function" not in tool
    names = [e.name for e in events if isinstance(e, ToolCallStarted)]
    assert names == ["get_current_temperature", "get_rain_probability"]
    assert done.ids.assistant_id is None and done.ids.thread_id == thread
    assert done.ids.run_id == list(fake.responses)[-1]
    assert done.usage is not None and done.usage["total_tokens"] == 160
    kinds = [i["type"] for i in fake.items(thread)]
    assert kinds == [
        "message",
        "reasoning",
        "function_call",
        "function_call",
        "function_call_output",
        "function_call_output",
        "message",
    ]


def test_seed_question_polled(
    fake: FakeResponses, backend: ResponsesBackend, clock: FakeTime
) -> None:
    thread = backend.create_thread()
    assert thread.startswith("conv_")
    assert fake.conversations[thread]["metadata"] == {"app": "weatherbot"}
    events, done = run(backend, request(thread))
    assert_seed(fake, thread, events, done)
    assert all(b["background"] is True for b in creates(fake))
    statuses = [e.status for e in events if isinstance(e, RunStatus)]
    assert statuses == ["queued", "in_progress", "completed"] * 2
    assert not any(isinstance(e, TextDelta) for e in events)
    assert clock.sleeps == list(PollSchedule.STEPS[:2]) * 2  # quick first polls, reset per response


def test_seed_question_streamed(fake: FakeResponses, backend: ResponsesBackend) -> None:
    thread = backend.create_thread()
    events, done = run(backend, request(thread, stream=True))
    assert_seed(fake, thread, events, done)
    assert all(b["stream"] is True and b["background"] is True for b in creates(fake))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == done.answer
    assert fake.count("GET", "/v1/responses/.*") == 0
    statuses = [e.status for e in events if isinstance(e, RunStatus)]
    assert statuses == ["queued", "in_progress", "completed"] * 2


def test_poll_after_header_is_honoured(
    fake: FakeResponses, backend: ResponsesBackend, clock: FakeTime
) -> None:
    fake.poll_after_ms = 250
    run(backend, request(backend.create_thread()))
    assert clock.sleeps == [0.25] * 4


@pytest.mark.parametrize("stream", [False, True])
def test_two_turns_share_the_conversation(
    fake: FakeResponses, backend: ResponsesBackend, stream: bool
) -> None:
    thread = backend.create_thread()
    run(backend, request(thread, stream=stream))
    _, second = run(backend, request(thread, "And how likely is rain?", stream=stream))
    # The scripted model found the place in the first turn, which only the server holds.
    assert "San Francisco" in second.answer and "20%" in second.answer
    assert creates(fake)[2]["input"] == [{"role": "user", "content": "And how likely is rain?"}]
    shown = backend.thread_messages(thread, [])
    assert [m.role for m in shown] == ["user", "assistant", "user", "assistant"]
    assert shown[0].text == QUESTION and "57.2°F" in shown[1].text


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    ("fault", "reason"),
    [("failed", "The model failed to generate a response."), ("incomplete", "max_output_tokens")],
)
def test_end_states(
    fake: FakeResponses, backend: ResponsesBackend, stream: bool, fault: str, reason: str
) -> None:
    fake.faults.append(fault)
    with pytest.raises(RunFailed) as info:
        list(backend.run_turn(request(backend.create_thread(), stream=stream)))
    assert info.value.status == fault and info.value.reason == reason
    assert info.value.exit_code == 1


def test_failed_follow_up_leaves_the_conversation_usable(
    fake: FakeResponses, backend: ResponsesBackend
) -> None:
    thread = backend.create_thread()
    fake.faults.extend([None, "failed"])  # type: ignore[list-item]
    with pytest.raises(RunFailed):
        list(backend.run_turn(request(thread)))
    _, done = run(backend, request(thread))
    assert "57.2°F" in done.answer


def test_ctrl_c_mid_poll_cancels_the_response(
    fake: FakeResponses, backend: ResponsesBackend, clock: FakeTime
) -> None:
    thread = backend.create_thread()
    clock.interrupt_at = 1
    with pytest.raises(Interrupted) as info:
        list(backend.run_turn(request(thread)))
    assert str(info.value) == (
        "cancelled the response; the conversation is free for your next question"
    )
    assert info.value.exit_code == 130
    assert fake.cancelled == [next(iter(fake.responses))]
    assert fake.count("POST", r"/v1/responses/.*/cancel") == 1


def test_ctrl_c_during_follow_up_then_next_question_works(
    fake: FakeResponses, backend: ResponsesBackend, clock: FakeTime
) -> None:
    thread = backend.create_thread()
    clock.interrupt_at = 3  # the first poll of the follow-up response
    with pytest.raises(Interrupted):
        list(backend.run_turn(request(thread)))
    follow_up = list(fake.responses)[1]
    assert fake.cancelled == [follow_up]
    clock.interrupt_at = None
    _, done = run(backend, request(thread))
    assert "57.2°F" in done.answer


def test_ctrl_c_while_tools_run_in_a_stream(fake: FakeResponses, backend: ResponsesBackend) -> None:
    thread = backend.create_thread()
    turn = cast(Generator[Event, None, None], backend.run_turn(request(thread, stream=True)))
    for event in turn:
        if isinstance(event, ToolCallStarted):
            break
    with pytest.raises(Interrupted):
        turn.throw(KeyboardInterrupt())
    # The streamed response is not cancellable; its calls were answered so the thread is free.
    assert fake.cancelled == []
    outputs = [i for i in fake.items(thread) if i["type"] == "function_call_output"]
    assert len(outputs) == 2 and json.loads(outputs[0]["output"])["error"] == "cancelled"
    _, done = run(backend, request(thread, stream=True))
    assert "57.2°F" in done.answer


@pytest.mark.parametrize("stream", [False, True])
def test_bad_arguments_and_unknown_tool_become_error_outputs(
    fake: FakeResponses, backend: ResponsesBackend, stream: bool
) -> None:
    fake.model.queue.append(
        Reply(
            tool_calls=[
                ToolCallSpec("call_bad", "get_rain_probability", '{"location": "San Fr'),
                ToolCallSpec("call_unknown", "get_moon_phase", '{"location": "Paris"}'),
            ]
        )
    )
    events, done = run(backend, request(backend.create_thread(), stream=stream))
    finished = {e.call_id: e for e in events if isinstance(e, ToolCallFinished)}
    assert finished["call_bad"].error == "invalid_arguments"
    assert finished["call_unknown"].error == "unknown_tool"
    outputs = creates(fake)[1]["input"]
    assert [o["call_id"] for o in outputs] == ["call_bad", "call_unknown"]
    assert "Sorry" in done.answer


def test_dropped_stream_falls_back_to_retrieve_without_repeating_text(
    fake: FakeResponses, backend: ResponsesBackend
) -> None:
    thread = backend.create_thread()
    fake.faults.extend(["drop_stream", "drop_stream"])
    events, done = run(backend, request(thread, stream=True))
    assert "57.2°F" in done.answer
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == done.answer
    assert fake.count("GET", "/v1/responses/.*") == 2


def test_error_event_is_an_api_error(fake: FakeResponses, backend: ResponsesBackend) -> None:
    fake.faults.append("error_event")
    with pytest.raises(APIError, match="The server had an error"):
        list(backend.run_turn(request(backend.create_thread(), stream=True)))


def test_stuck_response_is_cancelled_after_the_deadline(
    fake: FakeResponses, backend: ResponsesBackend, clock: FakeTime
) -> None:
    fake.faults.append("stuck")
    notices: list[str] = []
    with pytest.raises(APIError, match="still in_progress"):
        for event in backend.run_turn(request(backend.create_thread())):
            if isinstance(event, Notice):
                notices.append(event.text)
    # One note while waiting, for a pipe that shows no spinner.
    assert notices == [
        "the response is still in progress after 30 s; weatherbot waits up to 10 minutes "
        "(Ctrl-C cancels it)"
    ]
    assert fake.cancelled == [next(iter(fake.responses))]
    assert clock.clock() > 600
    assert max(clock.sleeps) == 1.0


def test_tool_rounds_are_capped(fake: FakeResponses, backend: ResponsesBackend) -> None:
    for n in range(MAX_TOOL_ROUNDS + 1):
        fake.model.queue.append(
            Reply(tool_calls=[ToolCallSpec(f"call_r{n}", "get_rain_probability", "{}")])
        )
    thread = backend.create_thread()
    with pytest.raises(APIError, match="rounds"):
        list(backend.run_turn(request(thread, stream=True)))
    assert len(creates(fake)) == MAX_TOOL_ROUNDS + 1
    _, done = run(backend, request(thread, stream=True))  # the orphan call was answered
    assert "57.2°F" in done.answer


def test_unknown_conversation_is_replaced_with_a_notice(
    fake: FakeResponses, backend: ResponsesBackend
) -> None:
    # Deleted on the server (or never there): a new conversation, and the user is told.
    events, done = run(backend, request("conv_missing"))
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert notices == ["the conversation was deleted on the server; started a new one"]
    assert done.ids.thread_id != "conv_missing" and done.ids.thread_id in fake.conversations
    assert "57.2°F" in done.answer


def test_delete_thread_and_no_assistant(fake: FakeResponses, backend: ResponsesBackend) -> None:
    assert backend.ensure_assistant(backend.runtime.profile, None) is None
    thread = backend.create_thread()
    backend.delete_thread(thread)
    assert thread not in fake.conversations
    backend.delete_thread(thread)  # already gone: fine
    backend.delete_assistant("asst_x")
    assert fake.count("DELETE", "/v1/conversations/.*") == 2


def test_messages_skip_tool_items(fake: FakeResponses, backend: ResponsesBackend) -> None:
    thread = backend.create_thread()
    run(backend, request(thread))
    shown = backend.thread_messages(thread, [])
    assert [m.role for m in shown] == ["user", "assistant"]
    listed = [r for r in fake.requests if r.path.endswith("/items") and r.method == "GET"]
    assert listed[-1].query["order"] == "asc"


# -- the wire layer (responses_wire.py) ---------------------------------------------------------


def test_wire_reads_json_like_an_sdk_model() -> None:
    item = Wire({"type": "function_call", "call_id": "c1", "content": [{"text": "hi"}]})
    assert item.call_id == "c1" and item.content[0].text == "hi"
    assert getattr(item, "missing", None) is None
    assert dict(item) == {"type": "function_call", "call_id": "c1", "content": [{"text": "hi"}]}


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b"",
        b"[1, 2, 3]",
        b'{"id": "resp_1", "status": "queu',
    ],
)
def test_a_200_that_is_not_a_json_object_is_one_clear_error(
    fake: FakeResponses, backend: ResponsesBackend, body: bytes
) -> None:
    thread = backend.create_thread()
    fake.inject("POST", "/v1/responses", Response(200, raw=body))
    with pytest.raises(APIError, match="not a JSON object") as info:
        run(backend, request(thread))
    assert "OPENAI_BASE_URL" in str(info.value.hint)


def test_ids_from_the_server_never_change_the_request_path(fake: FakeResponses) -> None:
    import openai

    client = openai.OpenAI(api_key="sk-test", base_url=fake.base_url + "/v1", max_retries=0)
    api = ResponsesAPI(client)
    with pytest.raises(openai.NotFoundError):
        api.retrieve("../conversations")
    with pytest.raises(openai.NotFoundError):
        api.delete_conversation("a/b")
    with pytest.raises(openai.NotFoundError):
        api.retrieve("..")
    paths = [r.path for r in fake.requests]
    assert paths == [
        "/v1/responses/..%2Fconversations",
        "/v1/conversations/a%2Fb",
        "/v1/responses/%2E%2E",
    ]
    client.close()


def test_conversation_items_are_read_page_by_page(
    fake: FakeResponses, backend: ResponsesBackend
) -> None:
    thread = backend.create_thread()
    items = [{"type": "message", "role": "user", "content": f"q{i}"} for i in range(230)]
    backend.api.add_items(thread, items)
    listed = list(backend.api.conversation_items(thread))
    assert len({i.id for i in listed}) == 230  # every item once, across three pages
    assert len(listed) == 230
    assert fake.count("GET", r"/v1/conversations/[^/]+/items") == 3


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html>x</html>", "text/html"),
        (b"<html>", "application/json"),
        (b"{}", "application/json"),
        (b'"conv_1"', "application/json"),
    ],
)
def test_every_call_turns_a_wrong_200_body_into_one_clear_error(
    fake: FakeResponses, backend: ResponsesBackend, body: bytes, content_type: str
) -> None:
    wrong = Response(200, raw=body, headers={"Content-Type": content_type})
    fake.inject("POST", "/v1/conversations", wrong)
    with pytest.raises(APIError, match=r"not a JSON object|without an id"):
        backend.create_thread()
    thread = backend.create_thread()
    fake.inject("POST", "/v1/responses", wrong)
    with pytest.raises(APIError, match=r"not a JSON object|without an id"):
        run(backend, request(thread))
    if body != b"{}":  # an empty object is a valid (empty) page of items
        fake.inject("GET", r"/v1/conversations/[^/]+/items", wrong)
        with pytest.raises(APIError, match="not a JSON object"):
            backend.thread_messages(thread, [])
