"""The responses backend on servers that are not OpenAI (issue 19), over the real SDK.

FakeResponses in its two misbehaving modes: no Conversations API (404 `{"detail": "Not
Found"}`, like the LiteLLM proxy), and `background`/`conversation` accepted and ignored.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from tests.backends.stubs import LONDON, SAN_FRANCISCO, stub_context
from tests.backends.test_responses import FakeTime, creates, run
from tests.fakes.responses_server import FakeResponses
from weatherbot.backends.base import Profile, Runtime, TurnRequest, instructions_for
from weatherbot.backends.responses import ResponsesBackend
from weatherbot.backends.server_facts import BACKGROUND, CONVERSATIONS, MemoryFacts
from weatherbot.errors import APIError, Interrupted
from weatherbot.events import Event, Message, Notice, TextDelta, ToolCallStarted
from weatherbot.settings import Secret, Settings
from weatherbot.tools.weather import default_registry

SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
FOLLOW_UP = "And tomorrow, will it rain?"


def make_backend(fake: FakeResponses, facts: MemoryFacts, clock: FakeTime, home: Path) -> Any:
    settings = Settings(
        backend="responses", api_key=Secret("sk-test"), base_url=fake.base_url + "/v1", home=home
    )
    registry = default_registry()
    profile = Profile(settings.model, instructions_for("auto"), tuple(registry.schemas()))
    return ResponsesBackend(
        Runtime(settings, profile, registry, sleep=clock.sleep, clock=clock.clock, facts=facts)
    )


@pytest.fixture(params=["noconv", "ignoring"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeResponses]:
    server = FakeResponses(
        conversations=request.param != "noconv", ignoring=request.param == "ignoring"
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def openai_like() -> Iterator[FakeResponses]:
    """The fake as OpenAI behaves: Conversations and background both honoured."""
    server = FakeResponses()
    server.poll_after_ms = 0
    server.start()
    yield server
    server.stop()


@pytest.fixture
def facts() -> MemoryFacts:
    return MemoryFacts()


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def backend(
    fake: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path
) -> Iterator[ResponsesBackend]:
    b = make_backend(fake, facts, clock, tmp_path)
    yield b
    b.close()


def ask(
    thread_id: str, question: str = SEED, history: list[Message] | None = None, stream: bool = False
) -> TurnRequest:
    ctx = stub_context(places=(SAN_FRANCISCO, LONDON))
    return TurnRequest(question, thread_id, None, ctx, stream=stream, history=history or [])


def notices(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, Notice)]


def locations(events: list[Event]) -> set[str]:
    return {str(e.arguments.get("location")) for e in events if isinstance(e, ToolCallStarted)}


def turn(backend: ResponsesBackend, stream: bool = False) -> tuple[str, list[Event], Any]:
    """A new thread and its first question; the turn's events and Done."""
    thread = backend.create_thread()
    events, done = run(backend, ask(thread, stream=stream))
    return thread, events, done


@pytest.mark.parametrize("stream", [False, True])
def test_a_thread_is_kept_here_with_one_notice_and_its_context_resent(
    fake: FakeResponses, backend: ResponsesBackend, facts: MemoryFacts, stream: bool
) -> None:
    _, events, done = turn(backend, stream)
    thread = done.ids.thread_id
    assert thread.startswith("local_") and done.ids.run_id.startswith("resp_")
    assert "57.2°F" in done.answer and "20%" in done.answer
    (notice,) = notices(events)
    if fake.has_conversations:
        assert "ignores conversations" in notice and "conv_" in notice
    else:
        assert notice == (
            "this server has no Conversations API (POST /v1/conversations answered 404); "
            "weatherbot keeps the conversation here and sends it with each question"
        )
    assert facts.get(CONVERSATIONS) is False
    # The turn's second request resends the whole turn: question, calls and their outputs.
    last = creates(fake)[-1]
    assert "conversation" not in last
    kinds = [i.get("type", "message") for i in last["input"]]
    assert kinds == [
        "message",
        "function_call",
        "function_call",
        "function_call_output",
        "function_call_output",
    ]
    assert last["input"][0] == {"role": "user", "content": SEED}
    # Done carries the turn for the local history: question, calls, outputs, answer.
    roles = [m.role for m in done.history]
    assert roles == ["user", "assistant", "tool", "tool", "assistant"]
    assert done.history[-1].content == done.answer

    # The next turn: the history goes with the question, no notice, no new conversation.
    before = fake.count("POST", "/v1/conversations")
    events, second = run(backend, ask(thread, FOLLOW_UP, list(done.history), stream))
    assert notices(events) == [] and second.ids.thread_id == thread
    assert locations(events) == {"San Francisco, CA"}  # the earlier place, from the context
    assert backend.create_thread().startswith("local_")
    assert fake.count("POST", "/v1/conversations") == before
    first_of_turn = next(b for b in creates(fake) if b["input"][-1].get("content") == FOLLOW_UP)
    assert first_of_turn["input"][0] == {"role": "user", "content": SEED}
    assert {"role": "assistant", "content": done.answer} in first_of_turn["input"]


def test_the_local_thread_is_shown_from_its_history_and_deleted_here(
    fake: FakeResponses, backend: ResponsesBackend
) -> None:
    _, _, done = turn(backend)
    thread = done.ids.thread_id
    shown = backend.thread_messages(thread, list(done.history))
    assert [(m.role, m.text) for m in shown] == [("user", SEED), ("assistant", done.answer)]
    requests = len(fake.requests)
    assert backend.delete_thread(thread) is None
    assert len(fake.requests) == requests  # nothing on the server


def test_a_server_known_to_lack_conversations_is_not_asked_again(
    fake: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path
) -> None:
    facts.put(CONVERSATIONS, False)
    backend = make_backend(fake, facts, clock, tmp_path)
    _, events, done = turn(backend)
    assert notices(events) == [] and done.ids.thread_id.startswith("local_")
    assert fake.count("POST", "/v1/conversations") == 0
    backend.close()


@pytest.fixture
def ignoring() -> Iterator[FakeResponses]:
    server = FakeResponses(ignoring=True)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("stream", [False, True])
def test_an_ignored_conversation_mid_thread_is_detected_and_the_turn_resent_whole(
    ignoring: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path, stream: bool
) -> None:
    """A thread with earlier turns on a Conversation the server turns out to ignore: the model
    answered the follow-up without the earlier place; weatherbot asks again with it."""
    backend = make_backend(ignoring, facts, clock, tmp_path)
    thread = backend.create_thread()
    assert thread.startswith("conv_")
    history = [Message("user", SEED), Message("assistant", "It is 57.2°F in San Francisco.")]
    events, done = run(backend, ask(thread, FOLLOW_UP, history, stream))
    (notice,) = notices(events)
    assert f"asked to join {thread} came back without it" in notice
    assert facts.get(CONVERSATIONS) is False
    assert locations(events) == {"San Francisco, CA"}
    assert "San Francisco" in done.answer
    # The thread keeps its id (its history is stored under it) and is kept here from now on.
    assert done.ids.thread_id == thread and backend.keeps_locally(thread)
    first, again, last = creates(ignoring)
    assert first["conversation"] == thread and first["input"] == [
        {"role": "user", "content": FOLLOW_UP}
    ]
    assert "conversation" not in again
    assert again["input"] == [
        {"role": "user", "content": SEED},
        {"role": "assistant", "content": "It is 57.2°F in San Francisco."},
        {"role": "user", "content": FOLLOW_UP},
    ]
    assert [i.get("type") for i in last["input"][3:]] == ["function_call"] * 2 + [
        "function_call_output"
    ] * 2
    if stream:
        # The stream's first event said `"conversation": null`: it was stopped there, so the
        # reply without the context never reached the screen.
        shown = "".join(e.text for e in events if isinstance(e, TextDelta))
        assert shown == done.answer
    # Shown from the stored history, since the server's conversation has nothing in it.
    assert [m.role for m in backend.thread_messages(thread, [*history, *done.history])][:2] == [
        "user",
        "assistant",
    ]
    backend.close()


def test_a_new_conversation_found_ignored_becomes_a_local_thread(
    ignoring: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path
) -> None:
    backend = make_backend(ignoring, facts, clock, tmp_path)
    conv, events, done = turn(backend)
    assert conv.startswith("conv_") and done.ids.thread_id.startswith("local_")
    # The question alone was the whole context: its reply was used, not asked again.
    assert len(creates(ignoring)) == 2
    assert ignoring.count("DELETE", f"/v1/conversations/{conv}") == 1
    assert len(notices(events)) == 1
    backend.close()


@pytest.mark.parametrize("stream", [False, True])
def test_an_ignored_background_is_final_and_never_sent_again(
    ignoring: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path, stream: bool
) -> None:
    backend = make_backend(ignoring, facts, clock, tmp_path)
    turn(backend, stream)
    bodies = creates(ignoring)
    assert bodies[0]["background"] is True
    assert all("background" not in b for b in bodies[1:])
    assert facts.get(BACKGROUND) is False
    assert ignoring.polls() == 0 and clock.sleeps == []
    backend.close()


def test_ctrl_c_on_a_response_not_in_the_background_cancels_nothing(
    ignoring: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path
) -> None:
    facts.put(BACKGROUND, False)
    facts.put(CONVERSATIONS, False)
    backend = make_backend(ignoring, facts, clock, tmp_path)
    events = cast(
        Generator[Event, None, None], backend.run_turn(ask(backend.create_thread(), stream=True))
    )
    for event in events:
        if isinstance(event, ToolCallStarted):
            break
    with pytest.raises(Interrupted):
        events.throw(KeyboardInterrupt())
    assert ignoring.count("POST", r"/v1/responses/.*/cancel") == 0
    assert ignoring.count("GET", r"/v1/conversations.*") == 0
    backend.close()


@pytest.mark.parametrize("after", [2, 12])
def test_a_cut_stream_not_in_the_background_is_one_clear_error(
    ignoring: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path, after: int
) -> None:
    facts.put(BACKGROUND, False)
    facts.put(CONVERSATIONS, False)
    backend = make_backend(ignoring, facts, clock, tmp_path)
    ignoring.model.queue.append(_long_text_reply())
    ignoring.drop_streams.append(after)
    with pytest.raises(APIError) as info:
        list(backend.run_turn(ask(backend.create_thread(), stream=True)))
    message = str(info.value)
    assert "dropped" in message and "\n" not in message
    if after > 5:
        assert "mid-answer" in message  # text was shown: it is said to be incomplete
    # Nothing to resume or poll: a plain response is not kept running on the server.
    assert ignoring.count("GET", r"/v1/responses/.*") == 0
    backend.close()


def _long_text_reply() -> Any:
    from tests.fakes.model import Reply

    return Reply(text="A long answer. " * 20)


def test_openai_shaped_replies_teach_that_both_are_honoured(
    openai_like: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path
) -> None:
    """OpenAI's reply carries `"conversation": {"id": …}` and `"background": true`."""
    backend = make_backend(openai_like, facts, clock, tmp_path)
    thread, events, done = turn(backend)
    assert done.ids.thread_id == thread and thread.startswith("conv_")
    assert notices(events) == []
    assert facts.known == {CONVERSATIONS: True, BACKGROUND: True}
    # Known to honour it: a reply that leaves the field out is not taken for "ignored".
    openai_like.ignoring = True
    _, second = run(backend, ask(thread, FOLLOW_UP))
    assert second.ids.thread_id == thread and facts.get(CONVERSATIONS) is True
    assert all(b.get("conversation") == thread for b in creates(openai_like))
    backend.close()


def test_the_history_of_a_conversation_turn_is_kept_too(
    openai_like: FakeResponses, facts: MemoryFacts, clock: FakeTime, tmp_path: Path
) -> None:
    """Kept here as well, so a server found later to ignore it still has the context."""
    backend = make_backend(openai_like, facts, clock, tmp_path)
    _, _, done = turn(backend)
    assert [m.role for m in done.history] == ["user", "assistant", "tool", "tool", "assistant"]
    call = done.history[1].tool_calls[0]
    assert json.loads(call.arguments)["location"] == "San Francisco, CA"
    backend.close()
