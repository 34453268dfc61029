"""The assistants backend driven by the real openai SDK over loopback against FakeAssistants."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from tests.backends.stubs import LONDON, SAN_FRANCISCO, stub_context
from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.model import Reply, ToolCallSpec
from tests.fakes.server import Response
from weatherbot.backends.assistants import AssistantsBackend
from weatherbot.backends.assistants_wire import (
    ASSISTANT_GONE_NOTICE,
    THREAD_GONE_NOTICE,
    THREAD_LOCKED_NOTICE,
)
from weatherbot.backends.base import (
    MAX_TOOL_ROUNDS,
    Profile,
    Runtime,
    TurnRequest,
    instructions_for,
)
from weatherbot.backends.openai_client import PollSchedule, nested_tools
from weatherbot.errors import APIError, AuthError, ConfigError, Interrupted, RunFailed
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
# 8.3 °C is 46.9 °F.
SEED_NUMBERS = ("46.9°F", "57%")


@dataclass
class FakeTime:
    """A recorded sleep and a clock that moves only when slept; Ctrl-C once on call N."""

    sleeps: list[float] = field(default_factory=list)
    interrupt_at: int | None = None
    calls: int = 0

    def sleep(self, seconds: float) -> None:
        self.calls += 1
        if self.calls == self.interrupt_at:
            raise KeyboardInterrupt
        self.sleeps.append(seconds)

    def clock(self) -> float:
        return sum(self.sleeps)


@pytest.fixture
def fake() -> Iterator[FakeAssistants]:
    server = FakeAssistants()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


def make_backend(fake: FakeAssistants, clock: FakeTime, home: Path) -> AssistantsBackend:
    settings = Settings(
        backend="assistants", api_key=Secret("sk-test"), base_url=fake.base_url + "/v1", home=home
    )
    registry = default_registry()
    profile = Profile(settings.model, instructions_for("auto"), tuple(registry.schemas()))
    return AssistantsBackend(
        Runtime(settings, profile, registry, sleep=clock.sleep, clock=clock.clock)
    )


@pytest.fixture
def backend(fake: FakeAssistants, clock: FakeTime, tmp_path: Path) -> Iterator[AssistantsBackend]:
    b = make_backend(fake, clock, tmp_path)
    yield b
    b.close()


@pytest.fixture
def ids(backend: AssistantsBackend) -> tuple[str, str]:
    """An assistant and a thread, as the conversation layer would set them up."""
    assistant = backend.ensure_assistant(backend.runtime.profile, None)
    return assistant, backend.create_thread()


def request(ids: tuple[str, str], question: str = QUESTION, stream: bool = False) -> TurnRequest:
    # 8.3 °C now, 57 % rain today, for San Francisco and London.
    ctx = stub_context(8.3, (10.0, 5.0, 57.0, 1.2), (SAN_FRANCISCO, LONDON))
    return TurnRequest(question, ids[1], ids[0], ctx, stream=stream)


def run(backend: AssistantsBackend, req: TurnRequest) -> tuple[list[Event], Done]:
    events = list(backend.run_turn(req))
    dones = [e for e in events if isinstance(e, Done)]
    assert len(dones) == 1 and events[-1] is dones[0]
    started = [e.call_id for e in events if isinstance(e, ToolCallStarted)]
    finished = [e.call_id for e in events if isinstance(e, ToolCallFinished)]
    assert sorted(started) == sorted(finished)
    return events, dones[0]


def statuses(events: list[Event]) -> list[str]:
    return [e.status for e in events if isinstance(e, RunStatus)]


def deltas(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def notices(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, Notice)]


def submit_bodies(fake: FakeAssistants) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests if r.path.endswith("/submit_tool_outputs")]


RUNS = r"/v1/threads/[^/]+/runs"
RUN = r"/v1/threads/[^/]+/runs/[^/]+"


# -- the seed question ---------------------------------------------------------------------


def assert_seed(fake: FakeAssistants, events: list[Event], done: Done, stream: bool) -> None:
    for number in SEED_NUMBERS:
        assert number in done.answer
    started = [e for e in events if isinstance(e, ToolCallStarted)]
    assert [e.name for e in started] == ["get_current_temperature", "get_rain_probability"]
    assert started[0].arguments == {"location": "San Francisco, CA", "unit": "Fahrenheit"}
    bodies = submit_bodies(fake)
    assert len(bodies) == 1  # both outputs in ONE submission
    outputs = bodies[0]["tool_outputs"]
    assert sorted(o["tool_call_id"] for o in outputs) == sorted(e.call_id for e in started)
    assert all(isinstance(o["output"], str) for o in outputs)
    temperature = json.loads(outputs[0]["output"])
    assert temperature["temperature"] == 46.9 and temperature["unit"] == "Fahrenheit"
    assert temperature["location"] == "San Francisco, California, United States"
    assert json.loads(outputs[1]["output"])["probability_percent"] == 57
    assert bodies[0].get("stream", False) is stream
    assert done.status == "completed" and done.usage and done.usage["total_tokens"] == 661
    assert done.ids.run_id and done.ids.run_id.startswith("run_")


def test_polling_seed_question(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], clock: FakeTime
) -> None:
    events, done = run(backend, request(ids))
    assert_seed(fake, events, done, stream=False)
    assert statuses(events) == [
        "queued",
        "in_progress",
        "requires_action",
        "queued",
        "in_progress",
        "completed",
    ]
    assert deltas(events) == ""  # a polled run yields no text deltas
    assert done.ids.assistant_id == ids[0] and done.ids.thread_id == ids[1]
    # No header: the adaptive schedule, restarted after the submission.
    assert clock.sleeps == list(PollSchedule.STEPS[:2]) * 2
    assert fake.count("GET", RUN) == 4
    assert fake.count("GET", r"/v1/threads/[^/]+/messages") == 1


def test_streaming_seed_question(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], clock: FakeTime
) -> None:
    events, done = run(backend, request(ids, stream=True))
    assert_seed(fake, events, done, stream=True)
    assert deltas(events) == done.answer
    assert len([e for e in events if isinstance(e, TextDelta)]) > 3  # really piecewise
    assert statuses(events) == [
        "queued",
        "in_progress",
        "requires_action",
        "queued",
        "in_progress",
        "completed",
    ]
    # The whole turn is two streams: no polling, no sleeping, no message listing.
    assert fake.count("GET") == 0 and clock.sleeps == []
    create = next(r for r in fake.requests if r.method == "POST" and r.path.endswith("/runs"))
    assert create.json == {"assistant_id": ids[0], "stream": True}


def test_poll_after_header_is_honoured(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], clock: FakeTime
) -> None:
    fake.poll_after_ms = 1500
    fake.lasts["in_progress"] = 3
    run(backend, request(ids))
    assert clock.sleeps and set(clock.sleeps) == {1.5}
    assert len(clock.sleeps) == fake.count("GET", RUN)


def test_requests_carry_the_assistants_beta_header_and_nested_tools(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    run(backend, request(ids))
    assert all(r.headers.get("openai-beta") == "assistants=v2" for r in fake.requests)
    create = fake.requests[0].json
    assert create["name"] == "weatherbot" and create["model"] == backend.runtime.profile.model
    names = [t["function"]["name"] for t in create["tools"]]
    assert names[:2] == ["get_current_temperature", "get_rain_probability"]
    assert all(t["type"] == "function" for t in create["tools"])


def test_nested_tools_nests_neutral_schemas() -> None:
    schema = {"name": "f", "description": "d", "parameters": {"type": "object"}}
    assert nested_tools((schema,)) == [
        {
            "type": "function",
            "function": {"name": "f", "description": "d", "parameters": {"type": "object"}},
        }
    ]


# -- assistant lifecycle -------------------------------------------------------------------


def test_assistant_created_once_then_reused_without_requests(
    backend: AssistantsBackend, fake: FakeAssistants
) -> None:
    profile = backend.runtime.profile
    first = backend.ensure_assistant(profile, None)
    assert fake.count("POST", "/v1/assistants") == 1
    assert fake.assistants[first]["instructions"] == profile.instructions
    before = len(fake.requests)
    again = backend.ensure_assistant(profile, {"id": first, "fingerprint": profile.fingerprint})
    assert again == first and len(fake.requests) == before


def test_assistant_updated_when_the_profile_changes(
    backend: AssistantsBackend, fake: FakeAssistants
) -> None:
    profile = backend.runtime.profile
    first = backend.ensure_assistant(profile, None)
    changed = replace(profile, model="gpt-5.4")
    again = backend.ensure_assistant(changed, {"id": first, "fingerprint": profile.fingerprint})
    assert again == first
    assert fake.count("POST", f"/v1/assistants/{first}") == 1
    assert fake.assistants[first]["model"] == "gpt-5.4"
    assert fake.count("POST", "/v1/assistants") == 1


def test_assistant_recreated_when_the_update_404s(
    backend: AssistantsBackend, fake: FakeAssistants
) -> None:
    profile = backend.runtime.profile
    new = backend.ensure_assistant(
        replace(profile, model="gpt-5.4"), {"id": "asst_gone", "fingerprint": "old"}
    )
    assert new != "asst_gone" and new in fake.assistants
    assert fake.count("POST", "/v1/assistants/asst_gone") == 1
    assert fake.count("POST", "/v1/assistants") == 1


@pytest.mark.parametrize("stream", [False, True])
def test_deleted_assistant_is_recreated_during_the_turn(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], stream: bool
) -> None:
    backend.delete_assistant(ids[0])
    backend.delete_assistant(ids[0])  # already gone is fine
    assert ids[0] not in fake.assistants
    events, done = run(backend, request(ids, stream=stream))
    assert notices(events) == [ASSISTANT_GONE_NOTICE]
    assert done.ids.assistant_id and done.ids.assistant_id != ids[0]
    assert done.ids.assistant_id in fake.assistants
    assert fake.count("POST", RUNS) == 2
    assert SEED_NUMBERS[0] in done.answer


# -- threads -------------------------------------------------------------------------------


def test_thread_is_reused_across_turns(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    _, first = run(backend, request(ids))
    _, second = run(backend, request(ids, "And in London?", stream=True))
    assert second.ids.thread_id == first.ids.thread_id == ids[1]
    assert fake.user_messages(ids[1]) == [QUESTION, "And in London?"]
    assert "8.3°C" in second.answer and "London" in second.answer
    messages = backend.thread_messages(ids[1], [])
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[1].text == first.answer and messages[3].text == second.answer


def test_thread_messages_follow_pages(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    for n in range(12):
        run(backend, request(ids, f"Question {n} about London"))
    messages = backend.thread_messages(ids[1], [])
    assert len(messages) == 24  # more than one page of 20
    assert messages[0].text == "Question 0 about London"


def test_deleted_thread_is_replaced(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    backend.delete_thread(ids[1])
    backend.delete_thread(ids[1])  # already gone is fine
    events, done = run(backend, request(ids))
    assert notices(events) == [THREAD_GONE_NOTICE]
    assert done.ids.thread_id and done.ids.thread_id != ids[1]
    assert fake.user_messages(done.ids.thread_id) == [QUESTION]


@pytest.mark.parametrize("stream", [False, True])
def test_locked_thread_is_unlocked(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], stream: bool
) -> None:
    stale = fake.seed_active_run(ids[1], ids[0], status="requires_action")
    events, done = run(backend, request(ids, stream=stream))
    assert notices(events) == [THREAD_LOCKED_NOTICE]
    assert fake.cancelled == [stale]
    assert fake.runs[stale].status == "cancelled"
    assert fake.user_messages(ids[1]) == [QUESTION]
    assert SEED_NUMBERS[1] in done.answer


def test_run_creation_on_a_locked_thread_is_retried(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    # The lock appears between adding the message and creating the run (another client's
    # run that has finished by the time the runs are listed).
    message = f"Thread {ids[1]} already has an active run run_other."
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    fake.inject("POST", RUNS, Response(400, {"error": error}))
    events, done = run(backend, request(ids))
    assert notices(events) == [THREAD_LOCKED_NOTICE]
    assert fake.count("POST", RUNS) == 2
    assert fake.count("GET", RUNS) == 1
    assert done.status == "completed"


def test_other_bad_requests_are_not_retried(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    error = {"message": "Invalid model", "type": "invalid_request_error", "param": None}
    fake.inject("POST", RUNS, Response(400, {"error": error}))
    # A rejected request names the model: a setting to change (exit 2), not a retry.
    with pytest.raises(ConfigError, match=r"rejected the request \(HTTP 400\): Invalid model"):
        list(backend.run_turn(request(ids)))
    assert fake.count("POST", RUNS) == 1


# -- end states ----------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("failed", "Sorry, something went wrong."),
        ("expired", "10-minute limit"),
        ("cancelled", "cancelled on the server"),
        ("incomplete", "max_completion_tokens"),
    ],
)
def test_end_states_raise_run_failed(
    backend: AssistantsBackend,
    fake: FakeAssistants,
    ids: tuple[str, str],
    fault: str,
    reason: str,
    stream: bool,
) -> None:
    fake.faults.append(fault)
    with pytest.raises(RunFailed) as info:
        list(backend.run_turn(request(ids, stream=stream)))
    assert info.value.status == fault
    assert reason in str(info.value)
    assert fake.cancelled == []  # a finished run is not cancelled


def test_error_event_in_a_stream_becomes_api_error(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    fake.faults.append("error_event")
    with pytest.raises(APIError, match="The server had an error while processing"):
        list(backend.run_turn(request(ids, stream=True)))
    # The run it left behind is cancelled so the thread stays usable.
    assert len(fake.cancelled) == 1
    _, done = run(backend, request(ids))
    assert done.status == "completed"


# -- Ctrl-C ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_ctrl_c_cancels_the_run_and_frees_the_thread(
    backend: AssistantsBackend,
    fake: FakeAssistants,
    ids: tuple[str, str],
    clock: FakeTime,
    stream: bool,
) -> None:
    fake.faults.append("stuck")
    clock.interrupt_at = 3
    events: list[Event] = []
    with pytest.raises(Interrupted, match="cancelled the run; the thread is free"):
        for event in backend.run_turn(request(ids, stream=stream)):
            events.append(event)
    assert "in_progress" in statuses(events)
    assert len(fake.cancelled) == 1
    assert fake.runs[fake.cancelled[0]].status == "cancelled"
    assert not any(isinstance(e, Done) for e in events)
    _, done = run(backend, request(ids, "And in London?"))
    assert "London" in done.answer
    assert fake.user_messages(ids[1]) == [QUESTION, "And in London?"]


def test_abandoning_the_turn_cancels_the_run(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    fake.faults.append("stuck")
    turn = backend.run_turn(request(ids))
    for event in turn:
        if event == RunStatus("in_progress"):
            break
    turn.close()  # what the REPL does when Ctrl-C lands while rendering
    assert len(fake.cancelled) == 1


def test_abandoning_after_done_sends_nothing(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    turn = backend.run_turn(request(ids))
    for event in turn:
        if isinstance(event, Done):
            break
    before = len(fake.requests)
    turn.close()
    assert len(fake.requests) == before and fake.cancelled == []


def test_stuck_run_hits_the_deadline_and_is_cancelled(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], clock: FakeTime
) -> None:
    fake.faults.append("stuck")
    fake.poll_after_ms = 1000
    backend.poll_deadline_s = 5
    with pytest.raises(APIError, match="still in_progress after 5 s"):
        list(backend.run_turn(request(ids)))
    assert len(fake.cancelled) == 1
    assert clock.clock() < 10


def test_a_long_wait_is_noted_once_before_the_deadline(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], clock: FakeTime
) -> None:
    fake.faults.append("stuck")
    fake.poll_after_ms = 5000
    backend.poll_deadline_s = 120
    notices: list[str] = []
    with pytest.raises(APIError, match="still in_progress after 120 s"):
        for event in backend.run_turn(request(ids)):
            if isinstance(event, Notice):
                notices.append(event.text)
    assert notices == [
        "the run is still in progress after 30 s; weatherbot waits up to 2 minutes "
        "(Ctrl-C cancels it)"
    ]


# -- tools -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_bad_tool_calls_become_error_outputs(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str], stream: bool
) -> None:
    fake.model.queue.append(
        Reply(
            tool_calls=[
                ToolCallSpec("call_bad", "get_current_temperature", '{"location": "London", '),
                ToolCallSpec("call_unknown", "get_moon_phase", "{}"),
            ]
        )
    )
    events, done = run(backend, request(ids, stream=stream))
    finished = {e.call_id: e for e in events if isinstance(e, ToolCallFinished)}
    assert finished["call_bad"].error == "invalid_arguments"
    assert finished["call_unknown"].error == "unknown_tool"
    (body,) = submit_bodies(fake)
    outputs = {o["tool_call_id"]: json.loads(o["output"]) for o in body["tool_outputs"]}
    assert outputs["call_bad"]["error"] == "invalid_arguments"
    assert outputs["call_unknown"]["error"] == "unknown_tool"
    assert done.status == "completed" and "could not get that" in done.answer


def test_sequential_tool_rounds(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    fake.model.queue += [
        Reply(
            tool_calls=[ToolCallSpec("call_a", "get_rain_probability", '{"location": "London"}')]
        ),
        Reply(
            tool_calls=[
                ToolCallSpec("call_b", "get_rain_probability", '{"location": "San Francisco, CA"}')
            ]
        ),
    ]
    _, done = run(backend, request(ids, stream=True))
    assert [len(b["tool_outputs"]) for b in submit_bodies(fake)] == [1, 1]
    assert "57%" in done.answer


def test_too_many_tool_rounds_cancel_the_run(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    fake.model.queue += [
        Reply(
            tool_calls=[ToolCallSpec(f"call_{n}", "get_rain_probability", '{"location": "London"}')]
        )
        for n in range(MAX_TOOL_ROUNDS + 1)
    ]
    with pytest.raises(APIError, match=f"{MAX_TOOL_ROUNDS} rounds"):
        list(backend.run_turn(request(ids)))
    assert len(submit_bodies(fake)) == MAX_TOOL_ROUNDS
    assert len(fake.cancelled) == 1


# -- dropped streams ---------------------------------------------------------------------------


def test_stream_dropped_mid_answer_recovers_without_duplicates(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    # Second leg: step.completed, queued, in_progress, step.created, step.in_progress,
    # message.created, message.in_progress, then deltas: drop after three of them.
    fake.drop_streams += [None, 10]
    events, done = run(backend, request(ids, stream=True))
    pieces = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(pieces) == 4  # three streamed pieces and the rest in one
    assert "".join(pieces) == done.answer
    assert done.answer.count("San Francisco") == 2
    for number in SEED_NUMBERS:
        assert done.answer.count(number) == 1
    assert fake.count("GET", RUN) >= 1
    assert statuses(events)[-1] == "completed"


def test_stream_dropped_before_requires_action_recovers_by_polling(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    fake.drop_streams.append(4)  # created, queued, in_progress, step.created
    events, done = run(backend, request(ids, stream=True))
    assert deltas(events) == done.answer
    assert len(submit_bodies(fake)) == 1
    assert "requires_action" in statuses(events)
    for number in SEED_NUMBERS:
        assert number in done.answer


def test_stream_dropped_before_the_first_event_finds_its_run(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    fake.drop_streams.append(0)
    events, done = run(backend, request(ids, stream=True))
    assert fake.count("GET", RUNS) == 1  # looked the run up by listing the thread's runs
    assert deltas(events) == done.answer
    for number in SEED_NUMBERS:
        assert number in done.answer


# -- errors ------------------------------------------------------------------------------------


def test_rejected_key_is_an_auth_error_without_the_key(
    backend: AssistantsBackend, fake: FakeAssistants
) -> None:
    fake.inject(
        "POST",
        "/v1/assistants",
        Response(
            401,
            {
                "error": {
                    "message": "Incorrect API key provided: sk-test.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "invalid_api_key",
                }
            },
        ),
    )
    with pytest.raises(AuthError) as info:
        backend.ensure_assistant(backend.runtime.profile, None)
    assert "sk-test" not in str(info.value) and "sk-test" not in str(info.value.hint)


def test_server_without_assistants_api_explains_the_sunset(
    backend: AssistantsBackend, fake: FakeAssistants
) -> None:
    fake.inject(
        "POST",
        "/v1/assistants",
        Response(
            404,
            {
                "error": {
                    "message": "Invalid URL (POST /v1/assistants)",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
    )
    with pytest.raises(APIError) as info:
        backend.ensure_assistant(backend.runtime.profile, None)
    assert "404" in str(info.value)
    assert info.value.hint and "2026-08-26" in info.value.hint


def test_server_errors_are_mapped(
    backend: AssistantsBackend, fake: FakeAssistants, ids: tuple[str, str]
) -> None:
    # x-should-retry: false keeps the SDK from retrying (and from really sleeping).
    error = {"message": "boom", "type": "server_error"}
    fake.inject("POST", RUNS, Response(500, {"error": error}, headers={"x-should-retry": "false"}))
    with pytest.raises(APIError, match=r"HTTP 500\): boom"):
        list(backend.run_turn(request(ids)))
    assert fake.count("POST", RUNS) == 1
