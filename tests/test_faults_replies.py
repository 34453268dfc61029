"""The fault matrix, reply side: replies whose JSON parses but is not what the protocol promises.

A 200 body without the fields a reply should carry (no `output`, a function call without its
`call_id`, ids that are not strings, a chat-shaped body on the Responses endpoint), tool
arguments that are numbers JSON has no word for (`1e999`, `NaN`), and unexpected exceptions
under `--json`. Every test runs the real CLI (Typer app, openai SDK, loopback HTTP) and checks
the one `weatherbot:` line and the exit code: never "internal error".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.model import Reply, ToolCallSpec
from tests.fakes.server import Response, sse
from tests.fakes.weather_server import FakeWeather
from tests.test_faults_api import (  # noqa: F401 (fixtures)
    SEED,
    Api,
    _api,
    ask,
    error_line,
    instant_sdk_backoff,
    no_cli_sleep,
    runner,
)
from weatherbot.cli import app

NO_ANSWER = "the model's reply had no answer in it"
NO_ID = "the model API answered without an id"


@pytest.fixture
def responses(monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather) -> Iterator[Api]:
    yield from _api("responses", monkeypatch)


# -- Responses objects without the fields a response carries ---------------------------------

# (200 body, what the user is told)
RESPONSE_BODIES: dict[str, tuple[Any, str]] = {
    "id only": ({"id": "resp_1"}, NO_ANSWER),
    "completed, no output": ({"id": "resp_1", "status": "completed"}, NO_ANSWER),
    "failed, no output": (
        {"id": "resp_1", "status": "failed", "error": {"message": "boom"}},
        "the run ended failed: boom",
    ),
    "failed, error not an object": (
        {"id": "resp_1", "status": "failed", "error": "boom"},
        "the run ended failed",
    ),
    "function_call without call_id and name": (
        {"id": "resp_1", "status": "completed", "output": [{"type": "function_call"}]},
        NO_ANSWER,
    ),
    "chat-shaped": ({"id": "x", "object": "chat.completion", "choices": []}, NO_ANSWER),
    "wrong types": (
        {"id": "resp_1", "status": ["completed"], "output": 5, "error": 7, "usage": "x"},
        NO_ANSWER,
    ),
    "items of the wrong types": (
        {
            "id": "resp_1",
            "status": "completed",
            "output": [
                5,
                "message",
                {"type": "message", "content": 7},
                {"type": "message", "content": [{"type": "output_text", "text": 5}, None]},
                {"type": "function_call", "call_id": 5, "name": ["x"]},
            ],
        },
        NO_ANSWER,
    ),
    "id NaN": ({"id": float("nan"), "status": "completed"}, NO_ID),
    "id a number": ({"id": 42, "status": "completed"}, NO_ID),
    "id a list": ({"id": ["resp_1"], "status": "completed"}, NO_ID),
}


@pytest.mark.parametrize("where", ["create", "retrieve"])
@pytest.mark.parametrize("case", list(RESPONSE_BODIES))
def test_a_response_without_its_fields_is_one_line(responses: Api, case: str, where: str) -> None:
    body, expected = RESPONSE_BODIES[case]
    if where == "create":
        responses.server.inject("POST", "/v1/responses", Response(200, body))
    else:
        responses.server.inject("GET", r"/v1/responses/[^/]+", Response(200, body))
    result = ask("--no-stream", SEED)
    assert result.exit_code == 1, result.stderr
    line = error_line(result)
    assert expected in line
    assert "internal error" not in line
    assert result.stdout == ""


def test_a_response_nested_deeply_but_parsable_is_read(responses: Api) -> None:
    deep = b'{"id": "resp_1", "status": "completed", "output": ' + b"[" * 900 + b"]" * 900 + b"}"
    responses.server.inject("GET", r"/v1/responses/[^/]+", Response(200, raw=deep))
    result = ask("--no-stream", SEED)
    assert result.exit_code == 1, result.stderr
    assert NO_ANSWER in error_line(result)


def _stream(*events: tuple[str, Any]) -> Response:
    return Response(events=[sse(kind, data) for kind, data in events])


STREAMS: dict[str, tuple[Response, str]] = {
    "completed without id or output": (
        _stream(("response.completed", {"type": "response.completed", "response": {}})),
        NO_ANSWER,
    ),
    "failed without status": (
        _stream(
            (
                "response.failed",
                {"type": "response.failed", "response": {"error": {"message": "boom"}}},
            )
        ),
        "the run ended failed: boom",
    ),
    "events without their fields": (
        _stream(
            ("response.created", {"type": "response.created"}),
            ("response.in_progress", {"type": "response.in_progress", "response": 5}),
            (
                "response.created",
                {"type": "response.created", "response": {"id": 42, "status": ["x"]}},
            ),
            ("response.output_text.delta", {"type": "response.output_text.delta"}),
            ("response.output_text.delta", {"type": "response.output_text.delta", "delta": 5}),
            ("response.output_item.done", {"type": "response.output_item.done"}),
            (
                "response.output_item.done",
                {"type": "response.output_item.done", "item": {"type": "function_call"}},
            ),
            ("response.completed", {"type": "response.completed", "response": "done"}),
        ),
        NO_ANSWER,
    ),
    "error event with a message that is not text": (
        _stream(("error", {"type": "error", "message": {"x": 1}})),
        "the model API failed: an error event ended the stream",
    ),
}


@pytest.mark.parametrize("case", list(STREAMS))
def test_a_streamed_response_without_its_fields_is_one_line(responses: Api, case: str) -> None:
    response, expected = STREAMS[case]
    responses.server.inject("POST", "/v1/responses", response)
    result = ask("--stream", SEED)
    assert result.exit_code == 1, result.stderr
    line = error_line(result)
    assert expected in line
    assert "internal error" not in line


def test_a_function_call_without_a_name_gets_an_error_output(responses: Api) -> None:
    responses.fake.model.queue.append(
        Reply(
            tool_calls=[
                ToolCallSpec("call_noname", None, "{}"),  # type: ignore[arg-type]
                ToolCallSpec("call_ok", "get_rain_probability", '{"location": "London"}'),
            ]
        )
    )
    result = ask("--json", "--no-stream", SEED)
    assert result.exit_code == 0, result.stderr
    calls = {c["id"]: c for c in json.loads(result.stdout)["tool_calls"]}
    assert calls["call_noname"]["error"] == "unknown_tool"
    assert calls["call_ok"]["error"] is None


# -- --json when something unexpected fails ----------------------------------------------------


@pytest.mark.parametrize("where", ["before the first event", "after the tool calls"])
def test_json_still_prints_one_object_when_an_internal_error_ends_the_turn(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weatherbot.backends.offline import OfflineBackend

    original = OfflineBackend.run_turn

    def broken(self: OfflineBackend, request: Any) -> Iterator[Any]:
        if where == "after the tool calls":
            for event in original(self, request):
                if type(event).__name__ == "Done":
                    break
                yield event
        raise RuntimeError("backend exploded")

    monkeypatch.setattr(OfflineBackend, "run_turn", broken)
    result = ask("--json", "--offline", "Rain in Oslo?")
    assert result.exit_code == 1
    line = error_line(result)
    assert "internal error: RuntimeError: backend exploded" in line
    assert len(result.stdout.splitlines()) == 1
    doc = json.loads(result.stdout)
    assert doc["status"] == "error"
    assert doc["error"] == "internal error: RuntimeError: backend exploded"
    assert doc["backend"] == "offline" and doc["answer"] is None
    if where == "after the tool calls":
        assert doc["tool_calls"] and all(c["error"] is None for c in doc["tool_calls"])


# -- tool arguments with numbers JSON has no word for -------------------------------------------


def _strict(text: str) -> Any:
    """json.loads as a strict parser (jq, JavaScript) reads it: no NaN or Infinity."""

    def refuse(token: str) -> Any:
        raise AssertionError(f"{token} in --json output")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_tool_arguments_are_invalid_and_json_stays_strict(
    monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> None:
    for api in _api("chat", monkeypatch):
        api.fake.model.queue.append(
            Reply(
                tool_calls=[
                    ToolCallSpec(
                        "call_inf", "get_forecast", '{"location":"London","days":1e999,"unit":NaN}'
                    ),
                    ToolCallSpec(
                        "call_minus", "get_forecast", '{"location":"London","days":-Infinity}'
                    ),
                    ToolCallSpec("call_nan", "get_forecast", '{"location":"London","days":NaN}'),
                    ToolCallSpec(
                        "call_extra",
                        "get_rain_probability",
                        '{"location":"London","note":[NaN, {"x": Infinity}]}',
                    ),
                ]
            )
        )
        result = ask("--json", SEED)
        assert result.exit_code == 0, result.stderr
        doc = _strict(result.stdout)
        assert doc["status"] == "completed"
        calls = {c["id"]: c for c in doc["tool_calls"]}
        for bad, fragment in [
            ("call_inf", "days must be a finite integer, got Infinity"),
            ("call_minus", "days must be a finite integer, got -Infinity"),
            ("call_nan", "days must be a finite integer, got NaN"),
        ]:
            assert calls[bad]["error"] == "invalid_arguments", calls[bad]
            assert fragment in _strict(calls[bad]["output"])["message"]
        assert calls["call_inf"]["arguments"]["days"] == "Infinity"
        assert calls["call_inf"]["arguments"]["unit"] == "NaN"
        assert calls["call_extra"]["error"] is None  # unknown extra arguments are ignored
        assert calls["call_extra"]["arguments"]["note"] == ["NaN", {"x": "Infinity"}]
        assert "internal_error" not in result.stdout
        # The tool line shows what the model sent, and the error.
        api.fake.model.queue.append(
            Reply(tool_calls=[ToolCallSpec("call_inf", "get_forecast", '{"days":1e999}')])
        )
        shown = ask("--no-stream", SEED)
        assert shown.exit_code == 0, shown.stderr
        line = next(x for x in shown.stderr.splitlines() if "get_forecast" in x)
        assert "days=Infinity" in line and "invalid_arguments" in line


def test_weather_json_stays_strict_when_the_provider_sends_nan(fake_weather: FakeWeather) -> None:
    from tests.fakes.weather_server import london_forecast

    body = london_forecast()
    body["current"]["temperature_2m"] = float("nan")
    body["daily"]["temperature_2m_max"][0] = float("inf")
    fake_weather.server.inject("GET", "/v1/forecast", Response(200, body))
    result = runner.invoke(app, ["weather", "--json", "London"])
    assert result.exit_code == 0, result.stderr
    doc = _strict(result.stdout)
    assert doc["location"] == "London, England, United Kingdom"


# -- Assistants ids that cannot be part of a URL ----------------------------------------------


@pytest.fixture
def assistants(monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather) -> Iterator[Api]:
    yield from _api("assistants", monkeypatch)


def _thread_ids() -> list[str]:
    listed = runner.invoke(app, ["thread", "list"])
    assert listed.exit_code == 0, listed.stderr
    return [line.split("\t")[0] for line in listed.stdout.splitlines()]


def test_a_thread_id_of_dots_given_with_thread_says_what_to_do(assistants: Api) -> None:
    result = ask("--thread", "..", SEED)
    assert result.exit_code == 1, result.stderr
    line = error_line(result)
    assert "the thread id '..' cannot be part of a URL" in line
    assert "ask without -c to start" not in line  # -c was not used
    assert "without -c or --thread" in line


@pytest.mark.parametrize("bad_id", ["..", "."])
def test_a_thread_id_of_dots_from_the_server_can_be_forgotten(
    assistants: Api, monkeypatch: pytest.MonkeyPatch, bad_id: str
) -> None:
    original = assistants.fake._id
    monkeypatch.setattr(
        assistants.fake, "_id", lambda prefix: bad_id if prefix == "thread" else original(prefix)
    )
    first = ask(SEED)
    assert first.exit_code == 1, first.stderr
    assert bad_id not in _thread_ids()  # a failed first question leaves no thread behind
    # One an older weatherbot remembered is used again by -c until it is forgotten.
    import os

    from weatherbot.settings import load_settings
    from weatherbot.state import StateStore

    server = os.environ["OPENAI_BASE_URL"]
    StateStore(load_settings().state_path).save_thread(
        bad_id, f"assistants|{server}", "assistants", SEED, server=server
    )
    again = ask("-c", SEED)
    assert again.exit_code == 1
    line = error_line(again)
    assert f"the thread id {bad_id!r} cannot be part of a URL" in line
    assert f"`weatherbot thread delete {bad_id}` forgets it" in line
    # ...and following the hint works: the id is forgotten, nothing is asked of the server.
    deleted = runner.invoke(app, ["thread", "delete", bad_id])
    assert deleted.exit_code == 0, deleted.stderr
    assert bad_id not in _thread_ids()
    monkeypatch.setattr(assistants.fake, "_id", original)
    assert ask(SEED).exit_code == 0


def test_an_assistant_id_of_dots_can_be_forgotten(
    assistants: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = assistants.fake._id
    monkeypatch.setattr(
        assistants.fake, "_id", lambda prefix: ".." if prefix == "asst" else original(prefix)
    )
    assert ask(SEED).exit_code == 0  # the id is sent in a body, not a path
    changed = ask("--model", "gpt-5.4", SEED)  # the remembered assistant must be updated
    assert changed.exit_code == 1, changed.stderr
    line = error_line(changed)
    assert "the assistant id '..' cannot be part of a URL" in line
    assert "`weatherbot assistant delete` forgets it" in line
    deleted = runner.invoke(app, ["assistant", "delete"])
    assert deleted.exit_code == 0, deleted.stderr
    monkeypatch.setattr(assistants.fake, "_id", original)
    assert ask(SEED).exit_code == 0
