"""`ask --backend responses` against servers that are not OpenAI (issue 19), through the CLI.

What a user sees: one notice on the first use of such a server (then it is remembered in the
state file), `-c` with the earlier context, and `thread show`/`thread delete` on the thread
kept here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner, Result

from tests.fakes.backends import BackendUnderTest, serve_backend
from tests.fakes.responses_server import FakeResponses
from tests.fakes.weather_server import FakeWeather
from weatherbot.cli import app

runner = CliRunner()
SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
FOLLOW_UP = "And will it rain tomorrow?"
NO_API = (
    "this server has no Conversations API (POST /v1/conversations answered 404); weatherbot "
    "keeps the conversation here and sends it with each question"
)


@pytest.fixture(params=["responses-noconv", "responses-ignoring"])
def served(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> Iterator[BackendUnderTest]:
    with serve_backend(request.param, monkeypatch) as under_test:
        monkeypatch.setattr("weatherbot.cli._sleep", lambda _s: None)
        yield under_test


def fake_of(served: BackendUnderTest) -> FakeResponses:
    return cast(FakeResponses, served.model)


def ask(*args: str) -> Result:
    result = runner.invoke(app, ["ask", *args])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def ask_json(*args: str) -> tuple[dict[str, Any], str]:
    result = ask("--json", *args)
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc, result.stderr


def notice_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "keeps the conversation here" in line]


def test_the_notice_is_shown_once_and_the_fact_remembered(
    served: BackendUnderTest, clean_env: Path
) -> None:
    fake = fake_of(served)
    first, stderr = ask_json(SEED)
    (notice,) = notice_lines(stderr)
    if served.name == "responses-noconv":
        assert notice == NO_API
    else:
        assert "ignores conversations" in notice
    assert first["thread_id"].startswith("local_") and first["backend"] == "responses"
    # The next command (a new conversation) neither asks the server again nor says it again.
    conversations = fake.count("POST", "/v1/conversations")
    second, stderr = ask_json(SEED)
    assert notice_lines(stderr) == [] and second["thread_id"] != first["thread_id"]
    assert second["thread_id"].startswith("local_")
    assert fake.count("POST", "/v1/conversations") == conversations
    # Remembered per base URL in the state file.
    state = json.loads((clean_env / "state.json").read_text())
    facts = state["servers"][fake.base_url + "/v1"]
    assert facts["conversations"] is False
    if served.name == "responses-ignoring":
        assert facts["background"] is False
        assert fake.polls() == 0


def test_a_named_conversation_whose_context_cannot_be_sent_is_refused_not_deleted(
    served: BackendUnderTest,
) -> None:
    fake = fake_of(served)
    ask(SEED)  # the server is known now: it keeps no conversations (or ignores them)
    result = runner.invoke(app, ["ask", "--thread", "conv_userowned123", FOLLOW_UP])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("weatherbot:")]
    assert "earlier messages of conv_userowned123 cannot be sent" in line
    assert "ask without --thread" in line and "Traceback" not in result.stderr
    assert result.stdout == ""
    # Never deleted on the server, never remembered here.
    assert fake.count("DELETE", "/v1/conversations/conv_userowned123") == 0
    listed = runner.invoke(app, ["thread", "list"])
    assert "conv_userowned123" not in listed.stdout


def test_a_named_conversation_found_ignored_mid_turn_is_refused_not_deleted(
    monkeypatch: pytest.MonkeyPatch, fake_weather: FakeWeather
) -> None:
    # First contact with a server that has /v1/conversations but ignores `conversation`.
    with serve_backend("responses-ignoring", monkeypatch) as served:
        monkeypatch.setattr("weatherbot.cli._sleep", lambda _s: None)
        fake = fake_of(served)
        result = runner.invoke(app, ["ask", "--thread", "conv_userowned123", FOLLOW_UP])
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert "earlier messages of conv_userowned123 cannot be sent" in result.stderr
        assert fake.count("DELETE", "/v1/conversations/conv_userowned123") == 0


def test_the_same_server_spelt_another_way_is_not_asked_again(
    served: BackendUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_of(served)
    _, stderr = ask_json(SEED)
    assert len(notice_lines(stderr)) == 1
    # A trailing slash, or the scheme and host in capitals, name the same server.
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url.upper().replace("/V1", "/v1") + "/v1/")
    conversations = fake.count("POST", "/v1/conversations")
    _, stderr = ask_json(SEED)
    assert notice_lines(stderr) == []
    assert fake.count("POST", "/v1/conversations") == conversations


@pytest.mark.parametrize("stream", [False, True])
def test_continuing_keeps_the_context(served: BackendUnderTest, stream: bool) -> None:
    fake = fake_of(served)
    mode = "--stream" if stream else "--no-stream"
    first, _ = ask_json(mode, SEED)
    second, stderr = ask_json(mode, "-c", FOLLOW_UP)
    assert second["thread_id"] == first["thread_id"]
    # "tomorrow" has no place: the model took it from the earlier question it was sent.
    assert {c["arguments"]["location"] for c in second["tool_calls"]} == {"San Francisco, CA"}
    assert notice_lines(stderr) == []
    asked = [
        r.json or {}
        for r in fake.requests
        if r.method == "POST" and r.path == "/v1/responses"
        and (r.json or {}).get("input", [{}])[-1].get("content") == FOLLOW_UP
    ]  # fmt: skip
    (body,) = asked
    assert body["input"][0] == {"role": "user", "content": SEED}
    assert "conversation" not in body


def test_thread_show_and_delete_on_a_thread_kept_here(served: BackendUnderTest) -> None:
    fake = fake_of(served)
    first, _ = ask_json(SEED)
    ask("-c", FOLLOW_UP)
    thread = first["thread_id"]
    shown = runner.invoke(app, ["thread", "show", thread])
    assert shown.exit_code == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert text.index(SEED) < text.index(FOLLOW_UP)
    assert shown.stdout.count("user:") == 2 and shown.stdout.count("assistant:") == 2
    requests = len(fake.requests)
    deleted = runner.invoke(app, ["thread", "delete", thread])
    assert deleted.exit_code == 0, deleted.stderr
    assert len(fake.requests) == requests  # it lived here only
    listed = runner.invoke(app, ["thread", "list", "--json"])
    assert json.loads(listed.stdout) == []
