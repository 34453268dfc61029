"""`main()`, the console-script entry, ends with os._exit: exit codes and output must survive it.

Each case runs a real process (`python -m weatherbot` goes through `main()`, as the installed
`weatherbot` script does); the in-process tests call `app`, which never exits early.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from weatherbot.cli import _exit_code


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "weatherbot", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def _main_with(
    setup: str, stdout: int | None = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """`main()` in a fresh process after `setup` (Python run first, with `cli` imported)."""
    code = f"import weatherbot.cli as cli\n{setup}\ncli.main()\n"
    # Buffered, as a console script's stdout is, so something is left for main() to flush.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_answer_on_stdout_exit_0_and_the_state_is_saved() -> None:
    asked = _run("ask", "--offline", "Will it rain in London?")
    assert asked.returncode == 0, asked.stderr
    assert "57% chance of rain" in asked.stdout
    assert "get_rain_probability" in asked.stderr
    # The thread was written to the state store before the process left.
    listed = _run("thread", "list", "--json")
    assert listed.returncode == 0
    assert [t["title"] for t in json.loads(listed.stdout)] == ["Will it rain in London?"]


def test_version_exit_0() -> None:
    result = _run("--version")
    assert (result.returncode, result.stdout.strip()) == (0, "weatherbot 0.1.0")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "--frobnicate", "hi"], "No such option: --frobnicate"),
        (["ask", "   "], "the question is empty"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_runtime_failure_exits_1() -> None:
    result = _run("weather", "--offline", "Xyzzyville")
    assert result.returncode == 1
    assert "the offline sample only covers" in result.stderr


def test_interrupt_exits_130() -> None:
    setup = (
        "def interrupted(words):\n"
        "    raise KeyboardInterrupt\n"
        "cli.read_question = interrupted\n"
        "import sys\n"
        "sys.argv = ['weatherbot', 'ask', '--offline', 'Rain?']\n"
    )
    result = _main_with(setup)
    assert result.returncode == 130
    assert "weatherbot: interrupted" in result.stderr


def test_output_left_in_the_buffer_is_flushed() -> None:
    setup = (
        "import sys\n"
        "def app():\n"
        "    sys.stdout.write('buffered, not flushed')\n"
        "    raise SystemExit(2)\n"
        "cli.app = app\n"
    )
    result = _main_with(setup)
    assert (result.returncode, result.stdout) == (2, "buffered, not flushed")


def test_a_reader_that_went_away_is_exit_0_without_a_traceback() -> None:
    read, write = os.pipe()
    os.close(read)  # like `| head` that has already left
    setup = (
        "import sys\n"
        "def app():\n"
        "    sys.stdout.write('nobody reads this')\n"
        "    raise SystemExit(0)\n"
        "cli.app = app\n"
    )
    try:
        result = _main_with(setup, stdout=write)
    finally:
        os.close(write)
    assert result.returncode == 0  # as git, gh and llm: the reader had what it wanted
    assert result.stderr == ""


@pytest.mark.parametrize(
    "args",
    [
        ["weather", "--offline", "--json", "London"],
        ["weather", "--offline", "London"],
        ["ask", "--offline", "Will it rain in London?"],
        # Click's own EPIPE handling exits 1: `weatherbot --help | head -1` must not.
        ["--help"],
        ["ask", "--help"],
    ],
)
def test_output_to_a_closed_pipe_is_exit_0_quietly(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "weatherbot", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert result.returncode == 0
    assert "error" not in result.stderr and "Traceback" not in result.stderr


def test_exit_code_as_the_interpreter_makes_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(None) == 0
    assert _exit_code(130) == 130
    assert _exit_code("bye") == 1
    assert capsys.readouterr().err == "bye\n"
