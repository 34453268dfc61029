"""Continuing a thread that lives elsewhere, when the settings stand in the way: the offline
backend asked for by name, no key for OpenAI, or a server that has gone away.

Each is one line and an exit code, never a request to a server the user did not mean to use.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.fakes.chat_server import FakeChat
from weatherbot.cli import OFFLINE_NOTICE, app
from weatherbot.state import StateStore

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def said(result: Result) -> str:
    return " ".join(result.stderr.split())


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChat]:
    with FakeChat() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
        monkeypatch.setenv("WEATHERBOT_BACKEND", "chat")
        monkeypatch.setenv("WEATHERBOT_PROVIDER", "sample")
        yield fake


def completions(fake: FakeChat) -> int:
    return fake.count("POST", "/v1/chat/completions")


def a_chat_thread(chat: FakeChat) -> str:
    result = run("ask", "--json", "Rain in Paris?")
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["thread_id"])


def keyless(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "WEATHERBOT_BACKEND"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    "flags",
    [["--offline", "-c"], ["-b", "offline", "-c"], ["--offline", "--thread", "THREAD"]],
    ids=["--offline -c", "-b offline -c", "--offline --thread"],
)
def test_offline_by_name_never_continues_a_thread_on_a_model_server(
    flags: list[str], chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = a_chat_thread(chat)
    asked = completions(chat)
    flags = [thread if f == "THREAD" else f for f in flags]
    result = run("ask", *flags, "and tomorrow?")
    assert result.exit_code == 2, result.stderr
    assert completions(chat) == asked  # offline means no model server
    line = said(result)
    assert f"thread {thread} lives on chat at {chat.base_url}/v1" in line
    assert "the offline backend cannot continue it" in line
    assert "drop --offline to continue it there, or ask without -c/--thread" in line
    assert result.stdout == ""


def test_offline_by_name_continues_an_offline_thread(chat: FakeChat) -> None:
    assert run("ask", "--offline", "Rain in London?").exit_code == 0
    result = run("ask", "--offline", "--json", "-c", "and in Oslo?")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["backend"] == "offline"


def test_no_key_and_an_openai_thread_is_exit_2_not_a_401(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyless(monkeypatch)
    StateStore(clean_env / "state.json").save_thread(
        "conv_abc123",
        "responses|https://api.openai.com/v1",
        "responses",
        title="Rain in Paris?",
        server="https://api.openai.com/v1",
    )
    result = run("ask", "-c", "and tomorrow?")
    assert result.exit_code == 2, result.stderr
    line = said(result)
    assert "thread conv_abc123 lives on responses at https://api.openai.com/v1" in line
    assert "which needs OPENAI_API_KEY" in line
    assert "set OPENAI_API_KEY to continue it, or ask without -c/--thread" in line
    # It is not answered offline, so the notice that it would be is not said either.
    assert OFFLINE_NOTICE not in line


def test_no_key_continues_a_thread_on_a_keyless_local_server(
    chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_chat_thread(chat)
    asked = completions(chat)
    keyless(monkeypatch)
    result = run("ask", "-c", "and tomorrow?")
    assert result.exit_code == 0, result.stderr
    assert completions(chat) > asked
    assert OFFLINE_NOTICE not in said(result)  # a model answered, not the planner
    assert "continuing it there" in said(result)


def test_the_moved_to_line_is_one_line_in_a_log(
    chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_chat_thread(chat)
    with FakeChat() as other:
        monkeypatch.setenv("OPENAI_BASE_URL", other.base_url + "/v1")
        result = run("ask", "-c", "and tomorrow?")
    assert result.exit_code == 0, result.stderr
    (line,) = [x for x in result.stderr.splitlines() if "continuing it there" in x]
    assert line.startswith("thread local_") and f"lives on chat at {chat.base_url}/v1" in line


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_thread_whose_server_is_gone_says_where_it_lives(
    chat: FakeChat, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = f"http://127.0.0.1:{_closed_port()}/v1"
    StateStore(clean_env / "state.json").save_thread(
        "local_0123456789abcdef0123",
        f"chat|{gone}",
        "chat",
        title="Rain in Paris?",
        server=gone,
        append_history=[{"role": "user", "content": "Rain in Paris?"}],
    )
    result = run("ask", "-c", "and tomorrow?")
    assert result.exit_code == 1, result.stderr
    line = said(result)
    assert f"cannot reach the model server at {gone.removesuffix('/v1')}" in line
    assert "OPENAI_BASE_URL" not in line  # it did not choose that server
    assert "thread local_0123456789abcdef0123 lives there: start that server again" in line
    assert completions(chat) == 0
