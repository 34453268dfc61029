"""`weatherbot thread ...` as people use it: whole ids, prefixes, threads bound to their server,
limits and pruning, and `thread show` readable on a terminal and in a pipe.

Threads are made through the real CLI where a backend matters (the fakes on 127.0.0.1), and
written with the StateStore where only their ids, titles and ages matter.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner, Result

from tests.fakes.chat_server import FakeChat
from tests.fakes.responses_server import FakeResponses
from tests.fakes.server import Response
from weatherbot.cli import app
from weatherbot.state import StateStore

runner = CliRunner()
DAY = 86400.0
NOW = 1_800_000_000.0
# A Conversations id is as long as OpenAI's; a local id is 26 characters.
CONV = "conv_68b4f0d6a6b08190b16b1d7b2b4f37c10b39b0f1ebb0f1d5"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def store(home: Path, now: float = NOW) -> StateStore:
    return StateStore(home / "state.json", clock=lambda: now)


def on_a_terminal(home: Path, *args: str, columns: int = 80, **env: str) -> str:
    """The output of `weatherbot ARGS` in a real pseudo-terminal, escape codes removed."""
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ.update(WEATHERBOT_HOME=str(home), TERM="xterm", **env)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", *args],
        env=environ,
        encoding="utf-8",
        dimensions=(40, columns),
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    text = ANSI.sub("", child.before).replace("\r\n", "\n")
    assert child.exitstatus == 0, text
    return text


@pytest.fixture
def chat() -> Iterator[FakeChat]:
    with FakeChat() as fake:
        yield fake


def use_chat(monkeypatch: pytest.MonkeyPatch, fake: FakeChat) -> None:
    monkeypatch.setenv("WEATHERBOT_BACKEND", "chat")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    monkeypatch.setenv("WEATHERBOT_PROVIDER", "sample")


def completions(fake: FakeChat) -> int:
    return fake.count("POST", "/v1/chat/completions")


# -- 1. whole ids, and a prefix accepted wherever an id is taken ---------------------------------


@pytest.mark.parametrize("columns", [80, 120])
def test_thread_list_on_a_terminal_never_cuts_an_id(clean_env: Path, columns: int) -> None:
    s = store(clean_env)
    s.save_thread(
        CONV, "responses|x", "responses", "Rain in Paris? " * 8, server="https://api.openai.com/v1"
    )
    store(clean_env, NOW + 60).save_thread(
        "local_b023aededd8343c49a1f", "offline", "offline", "Wind in Oslo " * 9
    )
    shown = on_a_terminal(clean_env, "thread", "list", columns=columns)
    lines = shown.splitlines()
    assert CONV in shown and "local_b023aededd8343c49a1f" in shown
    assert all(len(line) <= columns for line in lines)
    assert "…" in shown  # the titles gave way instead
    assert lines[1].split()[:2] == [
        "*",
        "local_b023aededd8343c49a1f",
    ]  # the latest is the current one


def test_at_120_columns_the_server_is_shown_beside_the_backend(clean_env: Path) -> None:
    store(clean_env).save_thread(
        "local_1234",
        "chat|http://127.0.0.1:11434/v1",
        "chat",
        "hi",
        server="http://127.0.0.1:11434/v1",
    )
    header, row = on_a_terminal(clean_env, "thread", "list", columns=120).splitlines()[:2]
    assert header.split()[:3] == ["id", "backend", "server"]
    assert row.split()[:4] == ["*", "local_1234", "chat", "127.0.0.1:11434"]


def test_a_unique_prefix_names_a_thread_everywhere(clean_env: Path) -> None:
    first = run("ask", "--offline", "Rain in London?")
    assert first.exit_code == 0, first.stderr
    run("ask", "--offline", "What's the weather in Oslo?")
    london, oslo = (t["id"] for t in reversed(json.loads(run("thread", "list", "--json").stdout)))

    shown = run("thread", "show", london[:10])
    assert shown.exit_code == 0, shown.stderr
    assert "Rain in London?" in shown.stdout and "Oslo" not in shown.stdout
    assert f"thread {london}" in shown.stderr  # says which thread the prefix named

    again = run("ask", "--offline", "--thread", london[:9], "and tomorrow?")
    assert again.exit_code == 0, again.stderr
    assert "London" in again.stdout
    assert "and tomorrow?" in run("thread", "show", london).stdout

    deleted = run("thread", "delete", oslo[:12])
    assert deleted.exit_code == 0, deleted.stderr
    assert f"deleted {oslo}" in deleted.stderr
    assert [t["id"] for t in json.loads(run("thread", "list", "--json").stdout)] == [london]


@pytest.mark.parametrize(
    "argv", [["thread", "show"], ["thread", "delete"], ["ask", "--offline", "-t"]]
)
def test_an_ambiguous_prefix_is_one_line_and_exit_2(clean_env: Path, argv: list[str]) -> None:
    s = store(clean_env)
    s.save_thread("local_ab12", "offline", "offline", "one")
    s.save_thread("local_ab34", "offline", "offline", "two")
    result = run(*argv, "local_ab", *(["Rain?"] if argv[0] == "ask" else []))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "'local_ab' is ambiguous: 2 threads start with it (local_ab12, local_ab34)" in lines[0]
    assert "type more of the id" in lines[0]
    assert len(s.list_threads()) == 2  # nothing deleted


@pytest.mark.parametrize("argv", [["thread", "show"], ["thread", "delete"]])
def test_an_unknown_prefix_is_exit_2(clean_env: Path, argv: list[str]) -> None:
    store(clean_env).save_thread("local_ab12", "offline", "offline", "one")
    result = run(*argv, "local_zz")
    assert result.exit_code == 2
    assert result.stderr.startswith("weatherbot: no thread 'local_zz'")


@pytest.mark.parametrize("thread_id", ["314344", "thread_abc", "conv_abc", "locl_123"])
def test_an_unknown_id_on_a_backend_with_local_threads_is_exit_2(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, thread_id: str
) -> None:
    # The chat backend keeps threads here: an id not remembered exists nowhere.
    with FakeChat() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
        result = run("ask", "-b", "chat", "--thread", thread_id, "Rain in Oslo?")
        assert fake.requests == []
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"weatherbot: no thread '{thread_id}'")
    assert store(clean_env).list_threads() == []


# -- 2. threads remember their backend and server ---------------------------------------------


def test_a_thread_remembers_its_backend_and_server(
    chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_chat(monkeypatch, chat)
    assert run("ask", "Hello there").exit_code == 0
    (thread,) = json.loads(run("thread", "list", "--json").stdout)
    assert thread["backend"] == "chat" and thread["server"] == chat.base_url + "/v1"
    piped = run("thread", "list").stdout.rstrip("\n").split("\t")
    assert piped[:3] == [thread["id"], "chat", chat.base_url + "/v1"]
    assert piped[-1] == "Hello there"  # the title stays the last field


def test_continuing_a_thread_under_another_server_goes_to_its_own(
    chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_chat(monkeypatch, chat)
    assert run("ask", "Hello there").exit_code == 0
    with FakeChat() as other:
        use_chat(monkeypatch, other)
        result = run("ask", "-c", "What about London?")
        assert result.exit_code == 0, result.stderr
        assert completions(other) == 0
    assert "London" in result.stdout
    said = " ".join(result.stderr.split())
    assert f"lives on chat at {chat.base_url}/v1; continuing it there" in said
    asked = [m["content"] for m in chat.requests[-1].json["messages"] if m["role"] == "user"]
    assert asked == ["Hello there", "What about London?"]  # the conversation carried on


def test_an_offline_thread_continues_offline_under_the_chat_backend(
    chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("ask", "--offline", "Rain in London?").exit_code == 0
    (thread,) = json.loads(run("thread", "list", "--json").stdout)
    use_chat(monkeypatch, chat)
    result = run("ask", "--json", "--thread", thread["id"], "and in Oslo?")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["backend"] == "offline" and doc["thread_id"] == thread["id"]
    assert completions(chat) == 0


def test_thread_show_and_delete_talk_to_the_threads_own_server(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    with FakeResponses() as home, FakeResponses() as elsewhere:
        home.poll_after_ms = 0
        monkeypatch.setenv("WEATHERBOT_BACKEND", "responses")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("WEATHERBOT_PROVIDER", "sample")
        monkeypatch.setenv("OPENAI_BASE_URL", home.base_url + "/v1")
        asked = run("ask", "--json", "Hello there")
        assert asked.exit_code == 0, asked.stderr
        conv = json.loads(asked.stdout)["thread_id"]
        monkeypatch.setenv("OPENAI_BASE_URL", elsewhere.base_url + "/v1")
        shown = run("thread", "show", conv)
        assert shown.exit_code == 0, shown.stderr
        assert "Hello there" in shown.stdout
        assert elsewhere.count(pattern="/v1/conversations.*") == 0
        deleted = run("thread", "delete", conv)
        assert deleted.exit_code == 0, deleted.stderr
        assert f"deleted {conv}" in deleted.stderr
        assert conv not in home.conversations
        assert elsewhere.count(pattern="/v1/conversations.*") == 0


def test_deleting_a_thread_its_server_no_longer_has_says_so(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    with FakeResponses() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        server = fake.base_url + "/v1"
        store(clean_env).save_thread(CONV, f"responses|{server}", "responses", "hi", server=server)
        result = run("thread", "delete", CONV)
        assert fake.count("DELETE", f"/v1/conversations/{CONV}") == 1
    assert result.exit_code == 0, result.stderr
    assert "deleted" not in result.stderr
    assert f"{CONV} was already gone on {server}; forgot it here" in result.stderr
    assert run("thread", "list", "--json").stdout.strip() == "[]"


def test_one_current_thread_across_backends(
    chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("ask", "--offline", "Rain in London?").exit_code == 0
    use_chat(monkeypatch, chat)
    assert run("ask", "Hello there").exit_code == 0
    monkeypatch.delenv("WEATHERBOT_BACKEND")
    rows = json.loads(run("thread", "list", "--json").stdout)
    assert [r["current"] for r in rows] == [True, False]
    assert [r["backend"] for r in rows] == ["chat", "offline"]
    marks = [line.split("\t")[4] for line in run("thread", "list").stdout.splitlines()]
    assert marks == ["*", ""]


# -- 3. limits, pruning, no empty threads, show defaults to the latest ----------------------


def _many(home: Path, count: int) -> list[str]:
    ids = []
    for i in range(count):
        thread_id = f"local_{i:04d}"
        store(home, NOW + i).save_thread(thread_id, "offline", "offline", f"question {i}")
        ids.append(thread_id)
    return ids[::-1]  # most recent first


def test_thread_list_limit_and_the_terminal_default(clean_env: Path) -> None:
    ids = _many(clean_env, 25)
    assert len(run("thread", "list").stdout.splitlines()) == 25  # a pipe gets every one
    limited = run("thread", "list", "--limit", "3")
    assert [line.split("\t")[0] for line in limited.stdout.splitlines()] == ids[:3]
    assert len(json.loads(run("thread", "list", "--json", "-n", "2").stdout)) == 2
    assert run("thread", "list", "--limit", "0").exit_code == 2

    shown = on_a_terminal(clean_env, "thread", "list")
    assert ids[19] in shown and ids[20] not in shown
    assert "5 more conversations (--all shows every one" in shown
    everything = on_a_terminal(clean_env, "thread", "list", "--all")
    assert ids[24] in everything and "more conversation" not in everything


@pytest.mark.parametrize("age", ["30d", "30D", "4w", "720h", "30 days", "4.3w"])
def test_prune_forgets_threads_older_than_an_age(clean_env: Path, age: str) -> None:
    now = time.time()  # what the command's store reads; the ages are days apart
    for thread_id, days_ago in (("local_new", 1), ("local_old", 40), ("local_older", 90)):
        store(clean_env, now - days_ago * DAY).save_thread(thread_id, "offline", "offline", "q")
    s = store(clean_env)
    dry = run("thread", "prune", "--older-than", age, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "would prune 2 conversations" in dry.stderr
    assert [line.split("\t")[0] for line in dry.stdout.splitlines()] == ["local_old", "local_older"]
    assert len(s.list_threads()) == 3
    pruned = run("thread", "prune", "--older-than", age)
    assert pruned.exit_code == 0, pruned.stderr
    assert "pruned 2 conversations last used before" in pruned.stderr
    assert [t["id"] for t in s.list_threads()] == ["local_new"]


@pytest.mark.parametrize("age", ["30", "thirty days", "-3d", "0d", "3 months"])
def test_prune_refuses_an_age_it_cannot_read(clean_env: Path, age: str) -> None:
    result = run("thread", "prune", "--older-than", age)
    assert result.exit_code == 2
    assert result.stderr.startswith("weatherbot: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_failed_first_question_leaves_no_thread(
    chat: FakeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_chat(monkeypatch, chat)
    refused = Response(
        status=401, body={"error": {"message": "bad key", "type": "invalid_request_error"}}
    )
    chat.inject("POST", "/v1/chat/completions", refused)
    result = run("ask", "Hello there")
    assert result.exit_code == 2, result.stderr
    assert json.loads(run("thread", "list", "--json").stdout) == []
    assert run("ask", "Hello there").exit_code == 0
    assert len(json.loads(run("thread", "list", "--json").stdout)) == 1


def test_thread_show_without_an_id_shows_the_latest(clean_env: Path) -> None:
    assert run("thread", "show").exit_code == 2  # none yet: says so
    run("ask", "--offline", "Rain in London?")
    run("ask", "--offline", "What's the weather in Oslo?")
    shown = run("thread", "show")
    assert shown.exit_code == 0, shown.stderr
    assert "Oslo" in shown.stdout and "London" not in shown.stdout


# -- 4. thread show: Markdown rendered on a terminal, plain text in a pipe -----------------------

ANSWER = (
    "**Paris, Île-de-France, France**: 18 °C now, a 40% chance of rain today. "
    + "The afternoon stays grey and mild with a light westerly breeze. " * 3
    + "\n\n- _Source: Open-Meteo_"
)


@pytest.fixture
def markdown_thread(clean_env: Path) -> str:
    history = [
        {"role": "user", "content": "Rain in Paris?"},
        {"role": "assistant", "content": ANSWER},
    ]
    store(clean_env).save_thread("local_md", "offline", "offline", "Rain in Paris?", history)
    return "local_md"


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}])
def test_thread_show_in_a_pipe_is_plain_text(
    markdown_thread: str, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    shown = run("thread", "show", markdown_thread)
    assert shown.exit_code == 0, shown.stderr
    assert "**" not in shown.stdout and "_Source" not in shown.stdout
    assert "Paris, Île-de-France, France: 18 °C now" in shown.stdout
    assert all(line == line.rstrip() for line in shown.stdout.splitlines())
    # Never hard-wrapped: the long paragraph is one line.
    assert any(len(line) > 200 for line in shown.stdout.splitlines())


@pytest.mark.parametrize("flag", [[], ["--no-color"]])
def test_thread_show_on_a_terminal_renders_the_markdown(
    markdown_thread: str, clean_env: Path, flag: list[str]
) -> None:
    shown = on_a_terminal(clean_env, "thread", "show", *flag, markdown_thread)
    assert "**" not in shown and "_Source" not in shown
    assert "Paris, Île-de-France, France" in shown
    # Wrapped at words (as `ask` is, with or without colour), never cut mid-word by the
    # terminal's edge: --no-color is plain text, still wrapped on a terminal.
    lines = shown.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    words = set(ANSWER.replace("*", "").replace("_", "").split())
    words |= {"user:", "assistant:", "Rain", "in", "Paris?", "•"}
    assert set(shown.split()) <= words, set(shown.split()) - words  # no word cut in two


# -- 5. assistant show on the offline backend ------------------------------------------------


def test_assistant_show_says_the_offline_backend_has_no_model() -> None:
    result = run("assistant", "show", "--backend", "offline")
    assert result.exit_code == 0, result.stderr
    assert "model:        none (the built-in planner)" in result.stdout
    assert "gpt" not in result.stdout
