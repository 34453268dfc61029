"""The fault matrix, network side: streams cut mid-chunk, trickles, endless streams, dead ports.

Every test runs the real CLI (Typer app, openai SDK, real loopback HTTP) against a fake server
that misbehaves the way real networks and servers do (tests/fakes/server.py: chunked SSE cut
inside a chunk, bytes trickled, a stream that never ends), and checks that the user gets the
answer once, or the text that arrived plus one line, with the documented exit code.
"""

from __future__ import annotations

import itertools
import json
import socket
from collections.abc import Callable, Iterator

import pytest
from typer.testing import Result

from tests.fakes.chat_server import FakeChat
from tests.fakes.responses_server import FakeResponses
from tests.fakes.server import Response, sse
from tests.fakes.weather_server import FakeWeather
from tests.test_faults_api import (  # noqa: F401 (fixtures)
    SEED,
    Api,
    _api,
    ask,
    error_line,
    instant_sdk_backoff,
)

# Where a stream is cut: before its first event, in the run/response preamble, in the text.
CUTS = [0, 1, 2, 3, 5, 8, 12]


@pytest.fixture(params=["assistants", "responses", "chat"])
def api(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> Iterator[Api]:
    yield from _api(request.param, monkeypatch)


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather) -> Iterator[Api]:
    yield from _api("chat", monkeypatch)


@pytest.fixture
def assistants(monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather) -> Iterator[Api]:
    yield from _api("assistants", monkeypatch)


@pytest.fixture
def responses(monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather) -> Iterator[Api]:
    yield from _api("responses", monkeypatch)


def clean_answer() -> str:
    result = ask("--stream", SEED)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def answered_once(result: Result, clean: str) -> None:
    assert result.exit_code == 0, result.stderr
    assert "weatherbot:" not in result.stderr
    assert result.stdout == clean


def dropped_before_the_id(api: Api, result: Result, clean: str) -> None:
    """A Responses stream cut before the response's id arrived: nothing to resume or poll.

    One line, and the conversation stays usable (the orphan response's calls are closed on the
    next turn).
    """
    assert result.exit_code == 1
    assert f"the model API at {api.server.base_url} dropped" in error_line(result)
    answered_once(ask("--stream", "-c", SEED), clean)


def insert_event(data: str | bytes) -> Callable[[Response], None]:
    """A rewrite that puts one more event, with this data, third in every stream."""

    def rewrite(response: Response) -> None:
        if response.events is not None:
            events = list(response.events)
            events.insert(2, (None, data))
            response.events = events

    return rewrite


# -- a stream cut inside a chunk --------------------------------------------------------------


@pytest.mark.parametrize("cut", CUTS)
def test_first_stream_cut_mid_chunk_still_answers_once(api: Api, cut: int) -> None:
    clean = clean_answer()
    api.fake.drop_streams += [cut]
    result = ask("--stream", SEED)
    if api.name == "responses" and cut == 0:
        dropped_before_the_id(api, result, clean)
        return
    answered_once(result, clean)


@pytest.mark.parametrize("cut", CUTS)
def test_answer_stream_cut_mid_chunk(api: Api, cut: int) -> None:
    clean = clean_answer()
    api.fake.drop_streams += [None, cut]
    result = ask("--stream", SEED)
    if api.name == "responses" and cut == 0:
        dropped_before_the_id(api, result, clean)
        return
    if api.name != "chat" or result.exit_code == 0:
        answered_once(result, clean)
        return
    # A completion cannot be resumed: the text that arrived stays, one line says it is cut.
    assert result.exit_code == 1
    assert result.stdout.strip() and clean.startswith(result.stdout.rstrip("\n").rstrip())
    line = error_line(result)
    assert f"the model server at {api.server.base_url} dropped mid-answer" in line
    assert "cannot reach" not in line


@pytest.mark.parametrize("mode", ["boundary", "clean"])
def test_cuts_between_events_are_recovered_too(api: Api, mode: str) -> None:
    clean = clean_answer()
    api.server.rewrites.append(lambda response: setattr(response, "cut", mode))
    api.fake.drop_streams += [3, 3] if api.name != "chat" else [3]
    answered_once(ask("--stream", SEED), clean)


def test_responses_resumes_a_cut_stream_after_the_last_event_seen(responses: Api) -> None:
    clean = clean_answer()
    fake: FakeResponses = responses.fake
    fake.drop_streams += [6, 9, 4]  # the answer's stream is cut, and so is its resumption
    answered_once(ask("--stream", SEED), clean)
    assert len(fake.resumes) >= 2
    afters = [int(after) for _, after in fake.resumes if after is not None]
    assert afters == sorted(afters) and afters[0] >= 0


def test_chat_cut_before_any_text_is_asked_again_without_streaming(chat: Api) -> None:
    clean = clean_answer()
    fake: FakeChat = chat.fake
    before = len(fake.requests)
    fake.drop_streams += [None, 1]  # the answer's stream: the role chunk, then cut
    answered_once(ask("--stream", SEED), clean)
    bodies = [r.json for r in fake.requests[before:] if r.path.endswith("/chat/completions")]
    assert [bool(b.get("stream")) for b in bodies] == [True, True, False]


def test_chat_text_without_finish_reason_is_the_answer_not_asked_twice(chat: Api) -> None:
    clean = clean_answer()
    fake: FakeChat = chat.fake
    fake.omit_finish_reason = True
    before = len(fake.requests)
    # Was: the streamed text, "here it is again in full" and a second, different answer.
    answered_once(ask("--stream", SEED), clean)
    bodies = [r.json for r in fake.requests[before:] if r.path.endswith("/chat/completions")]
    # The tool step (no text to go by) is asked again unstreamed; the answer is not.
    assert [bool(b.get("stream")) for b in bodies] == [True, False, True]


def test_chat_cut_after_finish_reason_but_before_done_is_complete(chat: Api) -> None:
    clean = clean_answer()
    served: list[int] = []

    def cut_inside_done(response: Response) -> None:
        if response.events is not None:
            served.append(1)
            if len(served) == 2:  # the answer's stream: cut inside its [DONE] chunk
                events = list(response.events)
                response.events, response.drop_after = events, len(events) - 1

    chat.server.rewrites.append(cut_inside_done)
    answered_once(ask("--stream", SEED), clean)


# -- a conversation broken by a killed turn heals itself --------------------------------------


def test_responses_conversation_with_open_tool_calls_heals(responses: Api) -> None:
    first = ask(SEED)
    assert first.exit_code == 0, first.stderr
    fake: FakeResponses = responses.fake
    (cid,) = fake.conversations
    # What a turn killed in its tool step (kill -9, power loss) leaves behind.
    fake.conversations[cid]["items"].append(
        {
            "id": "fc_orphan",
            "type": "function_call",
            "call_id": "call_orphan",
            "name": "get_current_temperature",
            "arguments": json.dumps({"location": "Paris"}),
            "status": "completed",
        }
    )
    again = ask("-c", SEED)
    assert again.exit_code == 0, again.stderr
    assert "57.2°F" in again.stdout
    assert "left tool calls open" in again.stderr
    outputs = [i for i in fake.conversations[cid]["items"] if i.get("call_id") == "call_orphan"]
    assert [i["type"] for i in outputs] == ["function_call", "function_call_output"]
    third = ask("-c", SEED)
    assert third.exit_code == 0 and "left tool calls open" not in third.stderr


# -- deadlines: trickles, endless streams, long poll hints, dead ports ------------------------


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setenv("WEATHERBOT_API_TIMEOUT", "0.5")
    return 0.5


def test_a_trickling_reply_is_stopped_at_the_overall_deadline(
    chat: Api, short_timeout: float
) -> None:
    # One byte every 50 ms never trips a per-read timeout; the whole reply needs ~30 s.
    body = json.dumps({"id": "x", "choices": [], "padding": "." * 600}).encode()
    chat.server.inject("POST", "/v1/chat/completions", Response(raw=body, trickle=0.05))
    result = ask(SEED)
    assert result.exit_code == 1
    line = error_line(result)
    assert f"at {chat.server.base_url} was still sending after 0.5 s" in line
    assert chat.attempts() == 1


def test_trickled_headers_are_stopped_at_the_overall_deadline(
    chat: Api, short_timeout: float
) -> None:
    reply = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"." * 400
    chat.server.inject("POST", "/v1/chat/completions", Response(raw_reply=reply, trickle=0.05))
    result = ask(SEED)
    assert result.exit_code == 1
    assert "was still sending after 0.5 s" in error_line(result)
    assert chat.attempts() == 1


def _endless_header() -> Iterator[bytes]:
    yield b"HTTP/1.1 200 OK\r\nX-Slow: "
    while True:
        yield b"a "


def test_headers_without_end_are_stopped_at_the_overall_deadline(
    chat: Api, short_timeout: float
) -> None:
    endless = Response(raw_reply=_endless_header(), trickle=0.01)
    chat.server.inject("POST", "/v1/chat/completions", endless)
    result = ask("--stream", SEED)
    assert result.exit_code == 1
    assert "was still sending after 0.5 s" in error_line(result)


def test_a_long_retry_after_is_reported_at_once_not_waited_out(chat: Api) -> None:
    slow_down = Response(
        429, {"error": {"message": "Rate limit reached"}}, headers={"retry-after": "30"}
    )
    chat.server.inject("POST", "/v1/chat/completions", slow_down, times=3)
    result = ask(SEED)
    assert result.exit_code == 1
    line = error_line(result)
    assert "(HTTP 429): Rate limit reached" in line and "30 s" in line
    assert chat.attempts() == 1


def test_a_300_kb_server_message_is_one_short_line(chat: Api) -> None:
    huge = Response(400, {"error": {"message": "bad request " + "x" * 300_000}})
    chat.server.inject("POST", "/v1/chat/completions", huge)
    result = ask(SEED)
    assert result.exit_code == 1
    line = error_line(result)
    assert "bad request xxx" in line and len(line) < 600


def _endless_text() -> Iterator[tuple[str | None, str]]:
    for n in itertools.count():
        chunk = {
            "id": "chatcmpl-endless",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": f"{n} "}, "finish_reason": None}],
        }
        yield sse(None, chunk)


def test_an_endless_stream_is_stopped_at_the_overall_deadline(
    chat: Api, short_timeout: float
) -> None:
    chat.server.inject("POST", "/v1/chat/completions", Response(events=_endless_text()))
    result = ask("--stream", SEED)
    assert result.exit_code == 1
    assert result.stdout.startswith("0 1 2")
    assert "was still sending after 0.5 s" in error_line(result)


@pytest.fixture(params=["assistants", "responses"])
def polled(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> Iterator[Api]:
    yield from _api(request.param, monkeypatch)


def test_a_day_long_poll_hint_is_capped(polled: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr("weatherbot.cli._sleep", sleeps.append)
    polled.fake.poll_after_ms = 86_400_000
    result = ask(SEED)
    assert result.exit_code == 0, result.stderr
    assert sleeps and max(sleeps) == 5.0


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("backend", ["assistants", "responses", "chat"])
def test_a_refused_connection_fails_at_once_naming_the_url(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openai._base_client as base

    retries: list[int] = []
    monkeypatch.setattr(
        base.SyncAPIClient, "_sleep_for_retry", lambda self, **kw: retries.append(1)
    )
    port = _closed_port()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("WEATHERBOT_BACKEND", backend)
    result = ask(SEED)
    assert result.exit_code == 1
    line = error_line(result)
    assert "cannot reach the model" in line and f"http://127.0.0.1:{port}" in line
    assert "connection refused" in line
    assert retries == []


# -- replies no parser expects ----------------------------------------------------------------

HTML = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>nginx</body></html>"


@pytest.mark.parametrize(
    "body",
    [HTML, b"", b"null", b"[1, 2]", b'{"id": "x"}', b"\xff\xfe not utf-8", b'{"choices": NaN}'],
    ids=["html", "empty", "null", "list", "idless", "binary", "nan"],
)
def test_a_200_that_is_not_what_the_api_sends_is_one_line(api: Api, body: bytes) -> None:
    api.fault(Response(raw=body, headers={"Content-Type": "text/html"}), times=3)
    result = ask(SEED)
    assert result.exit_code == 1, result.stdout
    line = error_line(result)
    assert "internal error" not in line and "Traceback" not in result.stderr


def test_invalid_utf8_inside_a_stream_is_one_line_or_the_answer(api: Api) -> None:
    clean = clean_answer()
    api.server.rewrites.append(insert_event(b'{"broken": "\xff\xfe\xc3"}'))
    result = ask("--stream", SEED)
    # The bad bytes become U+FFFD, the event (no known type) is skipped, the answer goes on.
    assert "internal error" not in result.stderr
    answered_once(result, clean)


@pytest.mark.parametrize("run_id", ["..", ".", "a/b", "run?x=1", "%2e%2e", "run#1"])
@pytest.mark.parametrize("stream", [False, True])
def test_ids_that_are_paths_stay_ids(
    run_id: str, stream: bool, monkeypatch: pytest.MonkeyPatch, assistants: Api
) -> None:
    fake = assistants.fake
    original = fake._id
    monkeypatch.setattr(fake, "_id", lambda prefix: run_id if prefix == "run" else original(prefix))
    result = ask(*(["--stream"] if stream else []), SEED)
    # The fake files runs under their id, so a request to any other path finds nothing.
    if result.exit_code == 0:
        assert "57.2°F" in result.stdout
    else:
        assert result.exit_code == 1
        assert "internal error" not in error_line(result)


def test_an_empty_tool_output_stream_does_not_run_the_tools_again(api: Api) -> None:
    clean = clean_answer()
    # A 200 event stream with no events, properly ended.
    api.server.rewrites.append(lambda response: setattr(response, "cut", "clean"))
    api.fake.drop_streams += [None, 0]
    result = ask("--stream", SEED)
    assert result.stderr.count("-> ") == 2, result.stderr  # each tool ran once
    if api.name == "responses":
        # No event, so no response id to resume or poll: one line, and the next -c works.
        assert result.exit_code == 1
        assert "ended before the response started" in error_line(result)
        answered_once(ask("--stream", "-c", SEED), clean)
        return
    answered_once(result, clean)


def test_a_stream_event_that_is_not_json_is_one_line(api: Api) -> None:
    api.server.rewrites.append(insert_event("<html>oops</html>"))
    result = ask("--stream", SEED)
    assert result.exit_code == 1
    line = error_line(result)
    assert "sent a stream event that is not JSON ('<html>oops</html>')" in line
    assert api.server.base_url in line
