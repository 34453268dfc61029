"""The fault matrix, local side: bad input, a damaged state file, parallel processes, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather, load
from weatherbot.cli import app
from weatherbot.conversation import MAX_QUESTION_CHARS
from weatherbot.render.sanitize import clean

runner = CliRunner()
SEED = "What's the weather in San Francisco today and the likelihood it'll rain?"
REPO = Path(__file__).resolve().parent.parent


def error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, stderr
    return lines[0]


# -- input -------------------------------------------------------------------------------------


def test_100_kb_question_is_a_clear_usage_error() -> None:
    result = runner.invoke(app, ["ask", "--offline", "rain in Paris? " * 7000])
    assert result.exit_code == 2
    assert f"at most {MAX_QUESTION_CHARS:,}" in error_line(result.stderr)
    assert result.stdout == ""


def test_100_kb_on_stdin_too() -> None:
    result = runner.invoke(app, ["ask", "--offline", "-"], input="x" * 100_000)
    assert result.exit_code == 2 and "too long" in error_line(result.stderr)


def test_whitespace_only_question_on_stdin_is_empty() -> None:
    result = runner.invoke(app, ["ask", "--offline", "-"], input=" \n\t \n")
    assert result.exit_code == 2 and "empty" in error_line(result.stderr)


@pytest.mark.parametrize("argv", [["ask", "--frobnicate", "hi"], ["thread", "--nope"], ["nope"]])
def test_unknown_flags_and_commands_exit_2(argv: list[str]) -> None:
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31m\x07\x08\r"


def test_escapes_in_the_question_are_never_echoed_raw() -> None:
    question = f"Will it rain in {ESCAPES}Oslo{ESCAPES} today?"
    result = runner.invoke(app, ["ask", "--offline", question])
    assert result.exit_code == 0, result.stderr
    listed = runner.invoke(app, ["thread", "list"])
    thread_id = listed.stdout.split("\t")[0]
    shown = runner.invoke(app, ["thread", "show", thread_id])
    from_stdin = runner.invoke(app, ["ask", "--offline", "-"], input=question)
    for text in (result.stdout, result.stderr, listed.stdout, shown.stdout, from_stdin.stdout):
        assert "\x1b" not in text and "\x07" not in text and "\x08" not in text and "\r" not in text
    assert "Oslo" in result.stdout


def test_escapes_in_provider_data_are_never_echoed_raw(fake_weather: FakeWeather) -> None:
    search = load("search_london_5_candidates_2026-01-20.json")
    for result in search["results"]:
        result["name"] = f"Lon{ESCAPES}don"
        result["admin1"] = f"Eng\x1b[5mland{ESCAPES}"
    fake_weather.server.inject("GET", "/v1/search", Response(body=search), times=5)
    # Narnia: a name the offline planner's gazetteer lacks, so the (hostile) geocoder answers it.
    for argv in (["ask", "Will it rain in Narnia today?"], ["ask", "--json", "Narnia now?"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, result.stderr
        # The escapes, BEL and backspace are gone; the carriage return was a break: a space.
        assert "Lon don, England" in result.stdout
        for text in (result.stdout, result.stderr):
            assert "\x1b" not in text and "\x07" not in text and "\x08" not in text


def test_invalid_utf8_on_stdin_is_exit_2() -> None:
    result = runner.invoke(app, ["ask", "--offline", "-"], input=b"rain in \xff\xfe Paris?")
    assert result.exit_code == 2 and "UTF-8" in error_line(result.stderr)


@given(st.text())
def test_sanitised_text_has_no_control_characters(text: str) -> None:
    for cleaned in (clean(text), clean(text, keep_newlines=True)):
        assert "\x1b" not in cleaned
        assert not any(ord(c) < 32 and c not in "\t\n" for c in cleaned)
        assert not any(0x7F <= ord(c) <= 0x9F for c in cleaned)


# -- the state file ----------------------------------------------------------------------------

DAMAGE = {
    "corrupt": b"\x00\x01 this is not json",
    "truncated": b'{"version": 1, "threads": {"local_abc": {"id": "local_abc", "tit',
    "newer": json.dumps({"version": 99, "threads": {}, "future": True}).encode(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_state_is_moved_aside_and_the_command_works(damage: str, clean_env: Path) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    state = clean_env / "state.json"
    state.write_bytes(DAMAGE[damage])
    result = runner.invoke(app, ["ask", "--offline", "Rain in Oslo today?"])
    assert result.exit_code == 0, result.stderr
    assert "moved it to" in result.stderr
    aside = list(clean_env.glob("state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == DAMAGE[damage]  # never silently lost
    assert len(json.loads(state.read_text())["threads"]) == 1
    assert state.stat().st_mode & 0o777 == 0o600


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "WEATHERBOT_"))}
    env.update(WEATHERBOT_HOME=str(home), PYTHONPATH=str(REPO), NO_COLOR="1", **extra)
    return env


def test_parallel_processes_lose_no_thread(clean_env: Path, tmp_path: Path) -> None:
    questions = ["Rain in Oslo today?", "Rain in London?", "Warm in New York?", "Oslo wind?"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "weatherbot", "ask", "--offline", "--json", q],
            env=_env(clean_env),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for q in questions
    ]
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
        ids.append(json.loads(out)["thread_id"])
    threads = json.loads((clean_env / "state.json").read_text())["threads"]
    assert sorted(threads) == sorted(ids) and len(set(ids)) == 4
    assert sorted(t["title"] for t in threads.values()) == sorted(questions)


# -- Ctrl-C ------------------------------------------------------------------------------------


def test_ctrl_c_during_a_run_cancels_it_and_exits_130(clean_env: Path, tmp_path: Path) -> None:
    fake = FakeAssistants()
    fake.poll_after_ms = 20
    fake.faults.append("stuck")  # the run stays in_progress until cancelled
    with fake:
        proc = subprocess.Popen(
            [sys.executable, "-m", "weatherbot", "ask", "--backend", "assistants", SEED],
            env=_env(
                clean_env, OPENAI_API_KEY="sk-test-ctrl-c", OPENAI_BASE_URL=fake.base_url + "/v1"
            ),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        fake.wait_for_a_poll(proc)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    stderr = err.decode()
    assert proc.returncode == 130, stderr
    assert "cancelled the run" in error_line(stderr)
    assert len(fake.cancelled) == 1
    assert out == b""
