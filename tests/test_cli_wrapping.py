"""Long lines at 80 columns (issue 18, item 9): the chat banner, errors and warnings wrap between
words in a real terminal (a pseudo-terminal), never mid-word at the screen's edge."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect

COLUMNS = 80
PROMPT_READY = "\x1b[?2004h"  # prompt_toolkit reads keys itself from here on
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


def _spawn(home: Path, *args: str, **env: str) -> pexpect.spawn:
    environ = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "OPENAI_API_KEY"}}
    environ.update(WEATHERBOT_HOME=str(home), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", **env)
    return pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", *args],
        env=environ,
        encoding="utf-8",
        dimensions=(30, COLUMNS),
        timeout=30,
    )


def _lines(text: str) -> list[str]:
    return [line for line in ESCAPE.sub("", text).split("\n") if line.strip()]


def _assert_wrapped_at_words(text: str, *words: str) -> None:
    lines = _lines(text)
    # Rich breaks a line itself (so no line reaches past the edge for the terminal to cut)...
    assert all(len(line) <= COLUMNS for line in lines), lines
    # ...and between words: each of them is whole on one line.
    for word in words:
        assert any(word in line for line in lines), (word, lines)


def test_the_chat_banner_wraps_between_words(tmp_path: Path) -> None:
    child = _spawn(tmp_path, "chat", "--offline")
    child.expect("Ctrl-D to leave")
    banner = str(child.before) + "Ctrl-D to leave"
    child.expect_exact(PROMPT_READY)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    _assert_wrapped_at_words(banner, "weatherbot", "commands,", "planner", "thread")


def test_a_long_error_with_its_hint_wraps_between_words(tmp_path: Path) -> None:
    home = tmp_path / "a-rather-long-directory-name-for-weatherbot-home"
    home.mkdir()
    (home / "config.toml").write_text('units = "metrc"\n')
    child = _spawn(home, "ask", "Will it rain in London?")
    output = str(child.read())
    child.close()
    assert child.exitstatus == 2
    _assert_wrapped_at_words(output, "weatherbot:", "'metrc'", "imperial")


def test_a_long_warning_wraps_between_words(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('modle = "x"\n')
    child = _spawn(home, "ask", "--offline", "Will it rain in London?")
    output = str(child.read())
    child.close()
    assert child.exitstatus == 0
    _assert_wrapped_at_words(output, "'modle'", "ignored", "'model'?)")


def test_a_chat_error_wraps_between_words(tmp_path: Path) -> None:
    child = _spawn(tmp_path, "chat", "--offline")
    child.expect_exact(PROMPT_READY)
    child.sendline("/switch local_nosuchthreadwithaverylongidthatgoesonandonandon")
    child.expect("lists them\\)")
    error = str(child.before)
    child.expect_exact(PROMPT_READY)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    start = error.index("weatherbot:")
    _assert_wrapped_at_words(error[start:] + "them)", "weatherbot:", "(/threads")
