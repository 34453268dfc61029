"""Chat's /history prints a thread as `thread show` does (issue 18, item 6): Markdown rendered on
a terminal, plain text (no raw `**`) when piped."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
from typer.testing import CliRunner

from weatherbot.cli import app

QUESTION = "What's the weather in London?"
PROMPT_READY = "\x1b[?2004h"
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_piped_history_is_plain_text_like_thread_show() -> None:
    runner = CliRunner()
    chat = runner.invoke(app, ["chat", "--offline"], input=f"{QUESTION}\n/history\n")
    assert chat.exit_code == 0, chat.stderr
    shown = runner.invoke(app, ["thread", "show"])
    assert shown.exit_code == 0, shown.stderr
    history = chat.stdout[chat.stdout.index("user:") :]
    assert "**" not in history and "London, England" in history
    assert history == shown.stdout  # the same text, blank line after each message


def test_history_in_a_terminal_renders_the_markdown(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "OPENAI_API_KEY"}}
    environ.update(WEATHERBOT_HOME=str(tmp_path), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", "chat", "--offline"],
        env=environ,
        encoding="utf-8",
        dimensions=(40, 100),
        timeout=30,
    )
    try:
        child.expect_exact(PROMPT_READY)
        child.sendline(QUESTION)
        child.expect("sample")
        child.expect_exact(PROMPT_READY)
        child.sendline("/history")
        child.expect("assistant:")
        child.expect("chance of rain")
        answer = str(child.before)
        child.expect_exact(PROMPT_READY)
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "**" not in answer and "London" in ESCAPE.sub("", answer)
    assert "\x1b[1m" in answer  # the bold of the Markdown, drawn
