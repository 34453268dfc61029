"""The chat backend driven by the real openai SDK over loopback against FakeChat."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from tests.backends.stubs import stub_context
from tests.fakes.chat_server import FakeChat
from tests.fakes.model import Reply, ToolCallSpec
from weatherbot.backends.base import (
    MAX_TOOL_ROUNDS,
    Profile,
    Runtime,
    TurnRequest,
    instructions_for,
)
from weatherbot.backends.chat import ChatBackend
from weatherbot.errors import APIError, ConfigError, Interrupted
from weatherbot.events import Done, Event, Message, TextDelta, ToolCallFinished, ToolCallStarted
from weatherbot.settings import DEFAULT_MODEL, Secret, Settings
from weatherbot.tools.weather import default_registry

QUESTION = "What's the weather in San Francisco today and the likelihood it'll rain?"


@pytest.fixture
def fake() -> Iterator[FakeChat]:
    server = FakeChat()
    server.start()
    yield server
    server.stop()


def make_backend(fake: FakeChat, tmp_path: Path) -> ChatBackend:
    settings = Settings(
        backend="chat", api_key=Secret("sk-test"), base_url=fake.base_url + "/v1", home=tmp_path
    )
    registry = default_registry()
    profile = Profile(settings.model, instructions_for("auto"), tuple(registry.schemas()))
    sleeps: list[float] = []
    runtime = Runtime(settings, profile, registry, sleep=sleeps.append, clock=lambda: 0.0)
    return ChatBackend(runtime)


def request(question: str = QUESTION, stream: bool = False, **kw: Any) -> TurnRequest:
    ctx = stub_context()
    return TurnRequest(question, "local_x", None, ctx, stream=stream, **kw)


def run(backend: ChatBackend, req: TurnRequest) -> tuple[list[Event], Done]:
    events = list(backend.run_turn(req))
    dones = [e for e in events if isinstance(e, Done)]
    assert len(dones) == 1 and events[-1] is dones[0]
    started = [e.call_id for e in events if isinstance(e, ToolCallStarted)]
    finished = [e.call_id for e in events if isinstance(e, ToolCallFinished)]
    assert sorted(started) == sorted(finished)
    return events, dones[0]


def completions(fake: FakeChat) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests if r.path == "/v1/chat/completions"]


def assert_seed_answer(fake: FakeChat, events: list[Event], done: Done) -> None:
    assert "57.2°F" in done.answer and "20%" in done.answer
    names = [e.name for e in events if isinstance(e, ToolCallStarted)]
    assert sorted(names) == ["get_current_temperature", "get_rain_probability"]
    bodies = completions(fake)
    assert len(bodies) == 2  # both tool outputs answered in one follow-up request
    follow_up = bodies[1]["messages"]
    assert [m["role"] for m in follow_up] == ["system", "user", "assistant", "tool", "tool"]
    assert bodies[0]["tools"][0]["type"] == "function"
    assert bodies[0]["tools"][0]["function"]["name"] == "get_current_temperature"
    roles = [m.role for m in done.history]
    assert roles == ["user", "assistant", "tool", "tool", "assistant"]
    assert done.ids.thread_id == "local_x" and done.ids.assistant_id is None


def test_seed_question_plain(fake: FakeChat, tmp_path: Path) -> None:
    events, done = run(make_backend(fake, tmp_path), request())
    assert_seed_answer(fake, events, done)
    assert not any(isinstance(e, TextDelta) for e in events)
    assert done.usage == {"prompt_tokens": 150, "completion_tokens": 102, "total_tokens": 252}
    assert "stream" not in completions(fake)[0]


def test_seed_question_streamed(fake: FakeChat, tmp_path: Path) -> None:
    events, done = run(make_backend(fake, tmp_path), request(stream=True))
    assert_seed_answer(fake, events, done)
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text == done.answer
    assert completions(fake)[0]["stream_options"] == {"include_usage": True}
    assert done.usage is not None and done.usage["total_tokens"] == 252
    assistant = done.history[1]
    args = [json.loads(c.arguments) for c in assistant.tool_calls]
    assert args == [
        {"location": "San Francisco, CA", "unit": "Fahrenheit"},
        {"location": "San Francisco, CA"},
    ]


@pytest.mark.parametrize("stream", [False, True])
def test_two_turns_share_history(fake: FakeChat, tmp_path: Path, stream: bool) -> None:
    backend = make_backend(fake, tmp_path)
    _, first = run(backend, request(stream=stream))
    history = list(first.history)
    _, second = run(backend, request("And how likely is rain?", stream=stream, history=history))
    # The scripted model found the place in the first turn's question.
    assert "San Francisco" in second.answer
    third_request = completions(fake)[2]["messages"]
    assert third_request[1] == {"role": "user", "content": QUESTION}
    assert third_request[-1] == {"role": "user", "content": "And how likely is rain?"}
    shown = backend.thread_messages("local_x", history + list(second.history))
    assert [m.role for m in shown] == ["user", "assistant", "user", "assistant"]


@pytest.mark.parametrize(
    "quirk",
    [
        "ollama_whole_calls",
        "arguments_as_object",
        "finish_reason_stop",
        "empty_name_fragments",
        "omit_call_ids",
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_local_server_quirks(fake: FakeChat, tmp_path: Path, quirk: str, stream: bool) -> None:
    setattr(fake, quirk, True)
    events, done = run(make_backend(fake, tmp_path), request(stream=stream))
    assert "57.2°F" in done.answer and "20%" in done.answer
    finished = [e for e in events if isinstance(e, ToolCallFinished)]
    assert [e.error for e in finished] == [None, None]
    follow_up = completions(fake)[1]["messages"]
    calls = follow_up[2]["tool_calls"]
    assert all(isinstance(c["function"]["arguments"], str) for c in calls)
    assert [c["function"]["name"] for c in calls] == [
        "get_current_temperature",
        "get_rain_probability",
    ]
    assert len({c["id"] for c in calls}) == 2


def test_rejected_stream_options_retried_without(fake: FakeChat, tmp_path: Path) -> None:
    fake.rejects_stream_options = True
    _, done = run(make_backend(fake, tmp_path), request(stream=True))
    assert "20%" in done.answer
    bodies = completions(fake)
    assert "stream_options" in bodies[0]
    assert all("stream_options" not in b for b in bodies[1:])
    assert len(bodies) == 3  # one rejected, then two steps without it
    assert done.usage is None


@pytest.mark.parametrize("stream", [False, True])
def test_tools_rejected_is_a_config_error(fake: FakeChat, tmp_path: Path, stream: bool) -> None:
    fake.rejects_tools = True
    backend = make_backend(fake, tmp_path)
    with pytest.raises(ConfigError) as info:
        list(backend.run_turn(request(stream=stream)))
    assert info.value.exit_code == 2
    assert str(info.value) == (
        f"the model {DEFAULT_MODEL} at {fake.base_url}/v1 does not accept tools"
    )
    assert info.value.hint is not None and "--backend offline" in info.value.hint


def test_missing_tool_messages_is_an_api_error(fake: FakeChat, tmp_path: Path) -> None:
    orphan = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_orphan",
                "type": "function",
                "function": {"name": "get_rain_probability", "arguments": "{}"},
            }
        ],
    }
    backend = make_backend(fake, tmp_path)
    with pytest.raises(APIError) as info:
        stored = [Message.from_dict({"role": "user", "content": "hi"}), Message.from_dict(orphan)]
        list(backend.run_turn(request(history=[m for m in stored if m is not None])))
    assert "call_orphan" in str(info.value) and "sk-test" not in str(info.value)


@pytest.mark.parametrize("stream", [False, True])
def test_bad_arguments_and_unknown_tool_become_error_outputs(
    fake: FakeChat, tmp_path: Path, stream: bool
) -> None:
    fake.model.queue.append(
        Reply(
            tool_calls=[
                ToolCallSpec("call_bad", "get_rain_probability", '{"location": "San Fr'),
                ToolCallSpec("call_unknown", "get_moon_phase", '{"location": "Paris"}'),
            ]
        )
    )
    events, done = run(make_backend(fake, tmp_path), request(stream=stream))
    finished = {e.call_id: e for e in events if isinstance(e, ToolCallFinished)}
    assert finished["call_bad"].error == "invalid_arguments"
    assert finished["call_unknown"].error == "unknown_tool"
    tool_messages = [m for m in completions(fake)[1]["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["call_bad", "call_unknown"]
    assert json.loads(tool_messages[1]["content"])["error"] == "unknown_tool"
    assert "Sorry" in done.answer


def test_tool_rounds_are_capped(fake: FakeChat, tmp_path: Path) -> None:
    for n in range(MAX_TOOL_ROUNDS + 1):
        fake.model.queue.append(
            Reply(tool_calls=[ToolCallSpec(f"call_r{n}", "get_rain_probability", "{}")])
        )
    with pytest.raises(APIError, match="rounds"):
        list(make_backend(fake, tmp_path).run_turn(request()))
    assert len(completions(fake)) == MAX_TOOL_ROUNDS + 1


def test_ctrl_c_closes_stream_and_raises_interrupted(fake: FakeChat, tmp_path: Path) -> None:
    backend = make_backend(fake, tmp_path)
    turn = cast(Generator[Event, None, None], backend.run_turn(request(stream=True)))
    for event in turn:
        if isinstance(event, ToolCallStarted):
            break
    with pytest.raises(Interrupted) as info:
        turn.throw(KeyboardInterrupt())
    assert info.value.exit_code == 130
    # A completion has nothing on the server to cancel: the line does not claim it did.
    assert str(info.value) == "stopped; the conversation is as it was before this question"
    assert len(completions(fake)) == 1


def test_ctrl_c_mid_stream(fake: FakeChat, tmp_path: Path) -> None:
    fake.model.queue.append(Reply(text="Sunny and mild in San Francisco. " * 5))
    backend = make_backend(fake, tmp_path)
    turn = cast(Generator[Event, None, None], backend.run_turn(request(stream=True)))
    assert isinstance(next(turn), TextDelta)
    with pytest.raises(Interrupted):
        turn.throw(KeyboardInterrupt())
    assert backend._active_stream is None


def test_local_thread_needs_no_server(fake: FakeChat, tmp_path: Path) -> None:
    backend = make_backend(fake, tmp_path)
    thread = backend.create_thread()
    assert thread.startswith("local_") and len(thread) == 26
    assert backend.ensure_assistant(backend.runtime.profile, None) is None
    backend.delete_thread(thread)
    backend.delete_assistant("x")
    backend.close()
    assert fake.requests == []


def test_server_error_is_mapped_without_key(fake: FakeChat, tmp_path: Path) -> None:
    from tests.fakes.server import Response

    fake.inject(
        "POST",
        "/v1/chat/completions",
        Response(503, {"error": {"message": "overloaded"}}, headers={"x-should-retry": "false"}),
    )
    with pytest.raises(APIError) as info:
        list(make_backend(fake, tmp_path).run_turn(request()))
    assert "503" in str(info.value) and "overloaded" in str(info.value)
    assert "sk-test" not in str(info.value)


def test_streamed_step_with_nothing_is_asked_again_unstreamed(
    fake: FakeChat, tmp_path: Path
) -> None:
    # Ollama drops the tool calls of a streamed completion: no calls, no text, "stop".
    fake.drops_streamed_tools = True
    events, done = run(make_backend(fake, tmp_path), request(stream=True))
    assert "57.2°F" in done.answer and "20%" in done.answer
    finished = [e for e in events if isinstance(e, ToolCallFinished)]
    assert sorted(e.name for e in finished) == ["get_current_temperature", "get_rain_probability"]
    assert [e.error for e in finished] == [None, None]
    bodies = completions(fake)
    # The empty streamed step, the same step unstreamed, then the answer streamed as usual.
    assert [bool(b.get("stream")) for b in bodies] == [True, False, True]
    assert bodies[1]["messages"] == bodies[0]["messages"]
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text == done.answer
    # Usage counts every completion, the empty one too.
    assert done.usage is not None and done.usage["total_tokens"] == 3 * 126


def test_empty_streamed_answer_is_retried_once_only(fake: FakeChat, tmp_path: Path) -> None:
    # A model that really has nothing to say: one retry, then one clear error (an empty
    # answer printed nothing and exited 0, as if it had answered).
    fake.model.queue.extend([Reply(text=""), Reply(text="")])
    with pytest.raises(APIError, match="no answer in it"):
        run(make_backend(fake, tmp_path), request(stream=True))
    assert [bool(b.get("stream")) for b in completions(fake)] == [True, False]


def test_streamed_text_answer_is_not_retried(fake: FakeChat, tmp_path: Path) -> None:
    fake.drops_streamed_tools = True  # drops tool calls only; text streams as usual
    fake.model.queue.append(Reply(text="Which place would you like the weather for?"))
    _, done = run(make_backend(fake, tmp_path), request("Hello", stream=True))
    assert done.answer == "Which place would you like the weather for?"
    assert len(completions(fake)) == 1


def test_object_arguments_with_nan_go_back_to_the_server_as_strict_json() -> None:
    from weatherbot.backends.chat import _arguments_text

    text = _arguments_text({"location": "London", "days": float("nan")})
    json.loads(text, parse_constant=lambda name: pytest.fail(f"bare {name}"))
    assert _arguments_text({"location": "Oslo"}) == '{"location": "Oslo"}'
