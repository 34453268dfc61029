"""The CLI through the real Typer app: exit codes, errors on one line, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from weatherbot import __version__
from weatherbot.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"weatherbot {__version__}"


def test_empty_question_is_a_usage_error() -> None:
    result = runner.invoke(app, ["ask", "   "])
    assert result.exit_code == 2
    assert "the question is empty" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_unknown_flag_is_a_usage_error() -> None:
    result = runner.invoke(app, ["ask", "--frobnicate", "hi"])
    assert result.exit_code == 2


def test_unknown_backend_is_a_configuration_error() -> None:
    result = runner.invoke(app, ["ask", "--backend", "magic", "Rain in Paris?"])
    assert result.exit_code == 2
    assert "unknown backend 'magic'" in result.stderr


def test_api_backend_without_key_says_what_to_do() -> None:
    result = runner.invoke(app, ["ask", "--backend", "assistants", "Rain in Paris?"])
    assert result.exit_code == 2
    assert "needs OPENAI_API_KEY" in result.stderr
    # One pair of brackets: the hint's own text has none inside it.
    assert result.stderr.count("(") == 1, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_continue_without_history_is_a_usage_error() -> None:
    result = runner.invoke(app, ["ask", "--offline", "-c", "and tomorrow?"])
    assert result.exit_code == 2
    assert "no earlier conversation" in result.stderr


def test_invalid_utf8_on_stdin() -> None:
    result = runner.invoke(app, ["ask", "-"], input=b"\xff\xfe rain?")
    assert result.exit_code == 2
    assert "not valid UTF-8" in result.stderr


def test_thread_list_empty_and_json() -> None:
    result = runner.invoke(app, ["thread", "list"])
    assert result.exit_code == 0
    assert "no conversations yet" in result.stderr
    result = runner.invoke(app, ["thread", "list", "--json"])
    assert json.loads(result.stdout) == []


def test_unknown_thread_show_is_a_usage_error() -> None:
    result = runner.invoke(app, ["thread", "show", "local_nope"])
    assert result.exit_code == 2
    assert "no thread 'local_nope'" in result.stderr


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["thread", "list"]])
def test_fast_commands_do_not_import_openai_or_prompt_toolkit(argv: list[str]) -> None:
    # pydantic too: Typer loads it to coerce any option value that is not a bool flag's bool
    # (its own --help flag included, unless cli_options gives it a bool default).
    code = (
        "import sys\n"
        "from weatherbot.cli import app\n"
        "try:\n"
        f"    app({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('openai', 'prompt_toolkit', 'httpx2', 'pydantic') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "HEAVY=\n" in result.stdout + "\n", result.stdout


def test_error_lines_stay_whole_in_pipes_and_wrap_at_words_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from weatherbot.cli_options import err_print

    message = "weatherbot: cancelled the response; the conversation is free for your next question"
    monkeypatch.setenv("COLUMNS", "40")
    err_print(message)
    assert capsys.readouterr().err == message + "\n"
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # Rich: treat stderr as a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    err_print(message)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert " ".join(line.strip() for line in lines) == message  # broken only between words
