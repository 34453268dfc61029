"""`/model NAME` in chat, and /switch's words in chat: through a real pseudo-terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.chat_server import FakeChat
from tests.fakes.server import Response
from tests.test_repl import _env, _leave, _spawn


@pytest.fixture
def chat() -> Iterator[FakeChat]:
    with FakeChat() as fake:
        yield fake


def test_model_changes_the_model_of_the_next_questions(chat: FakeChat, tmp_path: Path) -> None:
    env = _env(
        tmp_path / "home",
        OPENAI_API_KEY="sk-test",
        OPENAI_BASE_URL=chat.base_url + "/v1",
        WEATHERBOT_BACKEND="chat",
        WEATHERBOT_PROVIDER="sample",
    )
    child = _spawn([], env, tmp_path)
    try:
        child.sendline("/model")
        child.expect("model gpt-5.6-luna")  # the default, said when no name is given
        child.sendline("/model qwen2.5:7b")
        child.expect("model qwen2.5:7b")
        child.sendline("Will it rain in London?")
        child.expect("sample")
        (asked,) = [r for r in chat.requests if r.path == "/v1/chat/completions"][-1:]
        assert asked.json["model"] == "qwen2.5:7b"

        not_there = {"error": {"message": "The model `nope` does not exist.", "code": None}}
        chat.inject("POST", "/v1/chat/completions", Response(404, not_there))
        child.sendline("/model nope")
        child.sendline("and in Paris?")
        # In chat the way out is /model, not starting again with --model.
        child.expect("has no such model")
        child.expect(r"/model NAME\)")
        assert _leave(child) == 0
    finally:
        child.close(force=True)


def test_model_on_the_offline_planner_says_there_is_none(tmp_path: Path) -> None:
    child = _spawn(["--offline"], _env(tmp_path / "home"), tmp_path)
    try:
        child.sendline("/model gpt-5.6-luna")
        child.expect("the offline planner uses no model")
        assert _leave(child) == 0
    finally:
        child.close(force=True)


def test_switch_speaks_chat_and_knows_the_thread_in_use(tmp_path: Path) -> None:
    child = _spawn(["--offline"], _env(tmp_path / "home"), tmp_path)
    try:
        child.sendline("Will it rain in London?")
        child.expect("sample")
        child.sendline("/switch nope")
        child.expect(r"no thread 'nope' \(/threads lists them\)")
        child.sendline("/switch local_")
        child.expect("already on local_\\w+ \\(offline\\)")
        assert _leave(child) == 0
    finally:
        child.close(force=True)
