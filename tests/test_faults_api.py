"""The fault matrix, model-API side: what a user sees through the real CLI over loopback HTTP.

Each test runs `weatherbot ask` (the real Typer app, the real openai SDK) against a fake API
server that injects one fault, and checks the exit code and the ONE `weatherbot:` line on
stderr. Most rows are parametrised over the three API backends.

Retries stay instant without changing what the SDK does: HTTP faults carry the headers real
servers send (`retry-after-ms: 1`, honoured by the SDK as a 1 ms wait), and for faults that
have no headers (a reset connection, a timeout) the SDK's own backoff constants are set to 0
for this module (`instant_sdk_backoff`), so the SDK still makes all its attempts. Timeouts use
the WEATHERBOT_API_TIMEOUT setting to give up after a fraction of a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.chat_server import FakeChat
from tests.fakes.model import Reply, ToolCallSpec
from tests.fakes.responses_server import FakeResponses
from tests.fakes.server import FakeServer, Response
from tests.fakes.weather_server import FakeWeather
from weatherbot.backends.base import MAX_TOOL_ROUNDS
from weatherbot.cli import app
from weatherbot.tools.execute import MAX_CALLS_PER_STEP

runner = CliRunner()
SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
KEY = "sk-test.FAULTS.never-show-me.0123456789"
BACKENDS = ["assistants", "responses", "chat"]
# The first request each backend sends for a new question.
FIRST = {
    "assistants": "/v1/threads",
    "responses": "/v1/conversations",
    "chat": "/v1/chat/completions",
}


@dataclass
class Api:
    """A running fake API server for one backend, with the environment pointing at it."""

    name: str
    fake: Any  # FakeAssistants | FakeResponses | FakeChat

    @property
    def server(self) -> FakeServer:
        return self.fake  # type: ignore[no-any-return]

    def fault(self, response: Response, times: int) -> None:
        self.server.inject("POST", FIRST[self.name], response, times)

    def attempts(self) -> int:
        return self.server.count("POST", FIRST[self.name])


def start_fake(name: str) -> Any:
    if name == "assistants":
        fake: Any = FakeAssistants()
        fake.poll_after_ms = 0  # the server's poll hint keeps the CLI from waiting
    elif name == "responses":
        fake = FakeResponses()
        fake.poll_after_ms = 0
    else:
        fake = FakeChat()
    return fake.start()


@pytest.fixture(autouse=True)
def instant_sdk_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's retry backoff (0.5 s, 1 s, ...) becomes 0 s; the attempts stay as they are."""
    import openai._base_client as base

    monkeypatch.setattr(base, "INITIAL_RETRY_DELAY", 0.0)
    monkeypatch.setattr(base, "MAX_RETRY_DELAY", 0.0)


@pytest.fixture(autouse=True)
def no_cli_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr("weatherbot.cli._sleep", sleeps.append)
    return sleeps


def _api(name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    fake = start_fake(name)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    monkeypatch.setenv("WEATHERBOT_BACKEND", name)
    try:
        yield Api(name, fake)
    finally:
        fake.stop()


@pytest.fixture(params=BACKENDS)
def api(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> Iterator[Api]:
    yield from _api(request.param, monkeypatch)


@pytest.fixture(params=["assistants", "responses"])
def server_threads(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> Iterator[Api]:
    """The backends whose threads live on the server."""
    yield from _api(request.param, monkeypatch)


def error_line(result: Result) -> str:
    """The one `weatherbot:` line on stderr (and no traceback)."""
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def ask(*args: str) -> Result:
    return runner.invoke(app, ["ask", *args])


# -- HTTP faults: retried within a budget, then one line --------------------------------------

HTTP_FAULTS = {
    "429": (
        Response(
            429,
            {"error": {"message": "Rate limit reached for requests", "type": "requests"}},
            headers={"retry-after-ms": "1", "retry-after": "1"},
        ),
        "rate limiting us (HTTP 429): Rate limit reached",
    ),
    "500": (
        Response(
            500, {"error": {"message": "The server had an error"}}, headers={"retry-after-ms": "1"}
        ),
        "(HTTP 500): The server had an error",
    ),
    "502": (Response(502, raw=b"<html>Bad gateway</html>"), "(HTTP 502)"),
    "503": (
        Response(
            503, {"error": {"message": "Service unavailable"}}, headers={"retry-after-ms": "1"}
        ),
        "(HTTP 503): Service unavailable",
    ),
    "reset": (Response(reset=True), "dropped (try again in a moment)"),
}


@pytest.mark.parametrize("fault", list(HTTP_FAULTS))
def test_http_fault_is_retried_then_one_line_and_exit_1(api: Api, fault: str) -> None:
    response, message = HTTP_FAULTS[fault]
    api.fault(response, times=10)
    result = ask(SEED)
    assert result.exit_code == 1, result.stderr
    assert message in error_line(result)
    assert api.attempts() == 3  # the SDK's budget: one try and two retries, then it stops
    assert result.stdout == ""


@pytest.mark.parametrize("fault", ["503", "reset"])
def test_http_fault_that_passes_is_invisible(api: Api, fault: str) -> None:
    api.fault(HTTP_FAULTS[fault][0], times=2)
    result = ask(SEED)
    assert result.exit_code == 0, result.stderr
    assert "57.2°F" in result.stdout
    assert "weatherbot:" not in result.stderr


def test_a_silent_server_costs_one_timeout_and_is_named(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Retrying a server that took the request and said nothing only multiplies the wait
    # (60 s became 186 s): one attempt, and the line says how long and where.
    monkeypatch.setenv("WEATHERBOT_API_TIMEOUT", "0.2")
    api.fault(Response(hang=True), times=10)
    result = ask(SEED)
    assert result.exit_code == 1, result.stderr
    line = error_line(result)
    assert f"at {api.server.base_url} did not answer within 0.2 s" in line
    assert "WEATHERBOT_API_TIMEOUT" in line
    assert api.attempts() == 1


def test_rejected_key_exits_2_without_retrying(api: Api) -> None:
    api.fault(
        Response(401, {"error": {"message": "Incorrect API key provided: sk-test***6789."}}), 1
    )
    result = ask(SEED)
    assert result.exit_code == 2
    assert "your API key was rejected" in error_line(result)
    assert api.attempts() == 1
    assert KEY not in result.stdout + result.stderr


# -- streams and run end states ----------------------------------------------------------------


def test_stream_dropped_mid_answer_prints_the_answer_once(api: Api) -> None:
    clean = ask("--stream", SEED)
    assert clean.exit_code == 0, clean.stderr
    if api.name == "assistants":
        api.fake.drop_streams += [None, 10]  # the second leg is cut after three text deltas
    elif api.name == "responses":
        api.fake.faults += [None, "drop_stream"]  # the answer's stream loses its final event
    else:
        api.fake.drop_streams += [None, 1]  # cut after the role chunk, before any text
    dropped = ask("--stream", SEED)
    assert dropped.exit_code == 0, dropped.stderr
    assert dropped.stdout == clean.stdout
    assert dropped.stdout.count("57.2°F") == 1 and dropped.stdout.count("20%") == 1


END_STATES = [
    ("assistants", "failed", "Sorry, something went wrong."),
    ("assistants", "expired", "10-minute limit"),
    ("assistants", "cancelled", "cancelled on the server"),
    ("assistants", "incomplete", "max_completion_tokens"),
    ("responses", "failed", "The model failed to generate a response."),
    ("responses", "incomplete", "max_output_tokens"),
]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("backend", "status", "reason"), END_STATES)
def test_run_end_state_is_one_line_with_the_reason(
    backend: str,
    status: str,
    reason: str,
    stream: bool,
    monkeypatch: pytest.MonkeyPatch,
    fake_weather: FakeWeather,
) -> None:
    for api in _api(backend, monkeypatch):
        api.fake.faults.append(status)
        result = ask("--stream" if stream else "--no-stream", SEED)
        assert result.exit_code == 1, result.stderr
        line = error_line(result)
        assert f"ended {status}" in line and reason in line


# -- server-side state: locks and deletions ----------------------------------------------------


def test_thread_locked_by_another_process_goes_through(
    monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> None:
    for api in _api("assistants", monkeypatch):
        first = ask("--json", SEED)
        doc = json.loads(first.stdout)
        stale = api.fake.seed_active_run(doc["thread_id"], doc["assistant_id"])
        result = ask("--json", "-c", "And in London?")
        assert result.exit_code == 0, result.stderr
        assert "busy with an unfinished run" in result.stderr
        assert stale in api.fake.cancelled
        assert json.loads(result.stdout)["thread_id"] == doc["thread_id"]


def test_deleted_assistant_is_recreated_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> None:
    for api in _api("assistants", monkeypatch):
        assert ask(SEED).exit_code == 0
        api.fake.assistants.clear()
        result = ask("--json", SEED)
        assert result.exit_code == 0, result.stderr
        assert "assistant was deleted on the server" in result.stderr
        assert json.loads(result.stdout)["assistant_id"] in api.fake.assistants
        # ...and remembered: the next question reuses it without creating another.
        assert ask(SEED).exit_code == 0
        assert api.fake.count("POST", "/v1/assistants") == 2


def test_deleted_thread_is_recreated_and_keeps_its_title(server_threads: Api) -> None:
    api = server_threads
    first = ask("--json", SEED)
    old = json.loads(first.stdout)["thread_id"]
    if api.name == "assistants":
        del api.fake.threads[old]
    else:
        del api.fake.conversations[old]
    result = ask("--json", "-c", "And in London?")
    assert result.exit_code == 0, result.stderr
    assert "deleted on the server" in result.stderr
    new = json.loads(result.stdout)["thread_id"]
    assert new != old
    listed = runner.invoke(app, ["thread", "list"]).stdout
    assert old not in listed
    assert [line.split("\t")[0] for line in listed.splitlines()] == [new]
    assert listed.splitlines()[0].endswith(SEED)  # the conversation's title survives
    # -c follows the new thread.
    again = ask("--json", "-c", "And tomorrow?")
    assert json.loads(again.stdout)["thread_id"] == new


# -- what the model sends ----------------------------------------------------------------------


def test_bad_tool_calls_become_error_outputs_and_the_run_completes(api: Api) -> None:
    api.fake.model.queue.append(
        Reply(
            tool_calls=[
                ToolCallSpec("call_unknown", "get_stock_price", '{"ticker": "ACME"}'),
                ToolCallSpec("call_notjson", "get_rain_probability", '{"location": "Lon'),
                ToolCallSpec("call_types", "get_current_temperature", '{"location": 42}'),
                ToolCallSpec(
                    "call_unit", "get_current_temperature", '{"location": "Paris", "unit": "K"}'
                ),
                ToolCallSpec("call_empty", "get_rain_probability", '{"location": "  "}'),
                ToolCallSpec("call_ok", "get_rain_probability", '{"location": "London"}'),
            ]
        )
    )
    result = ask("--json", SEED)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "completed"
    calls = {c["id"]: c for c in doc["tool_calls"]}
    assert len(calls) == 6
    assert calls["call_unknown"]["error"] == "unknown_tool"
    for bad in ("call_notjson", "call_types", "call_unit", "call_empty"):
        assert calls[bad]["error"] == "invalid_arguments", calls[bad]
        assert json.loads(calls[bad]["output"])["error"] == "invalid_arguments"
    assert calls["call_ok"]["error"] is None
    assert "Sorry, I could not get that" in doc["answer"]  # the model read the errors


def test_fifty_calls_in_one_step_are_capped_and_all_answered(api: Api) -> None:
    api.fake.model.queue.append(
        Reply(
            tool_calls=[
                ToolCallSpec(f"call_{n:03d}", "get_rain_probability", '{"location": "London"}')
                for n in range(50)
            ]
        )
    )
    result = ask("--json", SEED)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    errors = [c["error"] for c in doc["tool_calls"]]
    assert len(errors) == 50
    assert errors.count(None) == MAX_CALLS_PER_STEP
    assert errors.count("too_many_calls") == 50 - MAX_CALLS_PER_STEP
    assert doc["status"] == "completed"


def test_endless_tool_rounds_stop_with_a_clear_message(api: Api) -> None:
    for n in range(MAX_TOOL_ROUNDS + 2):
        api.fake.model.queue.append(
            Reply(
                tool_calls=[
                    ToolCallSpec(f"call_r{n}", "get_rain_probability", '{"location": "London"}')
                ]
            )
        )
    result = ask(SEED)
    assert result.exit_code == 1
    assert f"kept calling tools for {MAX_TOOL_ROUNDS} rounds" in error_line(result)


# -- the weather provider fails: an error output, the run goes on ------------------------------


@pytest.mark.parametrize("fault", ["timeout", "503", "malformed", "no result"])
def test_provider_fault_is_an_error_output_and_the_run_goes_on(
    fault: str, monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> None:
    import weatherbot.providers.http as http

    question = SEED
    if fault == "timeout":
        monkeypatch.setattr(http, "READ_TIMEOUT_S", 0.2)
        monkeypatch.setattr(http, "_clients", {})
        fake_weather.server.inject("GET", "/v1/forecast", Response(hang=True), times=10)
    elif fault == "503":
        fake_weather.fail("/v1/forecast", 503, times=10)
    elif fault == "malformed":
        fake_weather.malformed("/v1/forecast", times=10)
    else:
        question = "Will it rain in Narnia today?"
    for _ in _api("chat", monkeypatch):
        result = ask("--json", question)
        doc = json.loads(result.stdout)
        assert doc["tool_calls"] and all(c["error"] for c in doc["tool_calls"])
        assert "Sorry, I could not get that" in doc["answer"]
        if fault == "no result":
            # A place that does not exist is an answer, not a failure.
            assert result.exit_code == 0, result.stderr
            assert doc["status"] == "completed"
        else:
            # An outage of every lookup: the answer is printed, then exit 1 (as `weather`).
            assert result.exit_code == 1, result.stderr
            assert doc["status"] == "error"
            assert doc["error"].startswith("every weather lookup failed")


# -- secrets -----------------------------------------------------------------------------------


def test_the_key_never_appears_anywhere(api: Api, clean_env: Path) -> None:
    seen = []
    ok = ask("--json", "--debug", SEED)
    assert ok.exit_code == 0, ok.stderr
    seen += [ok.stdout, ok.stderr, ask("--debug", "--stream", SEED).stdout]
    api.fault(
        Response(500, {"error": {"message": "boom"}}, headers={"retry-after-ms": "1"}), times=3
    )
    failed = ask("--debug", SEED)
    assert failed.exit_code == 1 and "Traceback" in failed.stderr  # --debug shows it...
    seen += [failed.stdout, failed.stderr]
    api.fault(Response(401, {"error": {"message": "Incorrect API key provided"}}), times=1)
    rejected = ask("--json", "--debug", SEED)
    assert rejected.exit_code == 2
    seen += [rejected.stdout, rejected.stderr]
    files = [p for p in clean_env.rglob("*") if p.is_file()]
    assert any(p.name == "state.json" for p in files)
    for path in files:
        seen.append(path.read_bytes().decode("utf-8", "replace"))
    everything = "\n".join(seen)
    assert KEY not in everything
    assert KEY[8:] not in everything  # not even the distinctive part
    assert (clean_env / "state.json").stat().st_mode & 0o777 == 0o600
    # ...and the key was really sent, so it was really there to leak.
    assert any(r.headers.get("authorization") == f"Bearer {KEY}" for r in api.server.requests)


def test_debug_traceback_of_an_internal_error_shows_no_locals(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr("weatherbot.render.json_output.build_json", broken)
    result = ask("--json", "--debug", SEED)
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "renderer exploded" in result.stderr
    assert "internal error: RuntimeError: renderer exploded" in result.stderr
    assert KEY not in result.stderr
    assert "locals" not in result.stderr.lower()
    assert app.pretty_exceptions_show_locals is False or app.pretty_exceptions_enable is False
