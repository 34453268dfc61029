"""The fault matrix, local side (issue 12): malformed tool arguments, a damaged state, an unusable
WEATHERBOT_HOME, undecodable argv, bad settings, closed pipes, SIGTERM/SIGHUP and size limits.

Every case goes through the real Typer app (or a real `python -m weatherbot` process where a
process is what matters) and ends with the answer or ONE `weatherbot:` line and the exit code
DESIGN.md promises, with nothing lost.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.fakes.assistants_server import FakeAssistants
from tests.fakes.chat_server import FakeChat
from tests.fakes.model import Reply, ToolCallSpec
from tests.fakes.weather_server import FakeWeather
from tests.tools.test_execute import drain
from weatherbot.cli import app
from weatherbot.history import (
    MAX_HISTORY_MESSAGES,
    MAX_TEXT_CHARS,
    MAX_TOOL_OUTPUT_CHARS,
    capped,
    cut_note,
    paired_indices,
    trimmed,
)
from weatherbot.state import StateStore
from weatherbot.tools.execute import ToolCall, run_tool_calls
from weatherbot.tools.weather import ToolContext, default_registry

runner = CliRunner()


def error_line(stderr: str) -> str:
    """The one `weatherbot:` line on stderr (and no traceback)."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("weatherbot:")]
    assert len(lines) == 1, stderr
    return lines[0]


# -- 1. malformed tool arguments ---------------------------------------------------------------

DEEP_ARRAY = "[" * 2000 + "]" * 2000
DEEP_OBJECT = '{"location": ' + '{"a": ' * 2000 + "1" + "}" * 2001
LONG_INTEGER = '{"location": "London", "unit": ' + "9" * 5000 + "}"
BAD_ARGUMENTS = {"deep_array": DEEP_ARRAY, "deep_object": DEEP_OBJECT, "long_int": LONG_INTEGER}


class NoWeather:
    """A weather service no valid call reaches in these tests (it would fail loudly)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the weather service was used: {name}")


@pytest.mark.parametrize("name", list(BAD_ARGUMENTS))
def test_unreadable_arguments_become_an_invalid_arguments_output(name: str) -> None:
    calls = [ToolCall("c1", "get_current_temperature", BAD_ARGUMENTS[name])]
    events, results = drain(run_tool_calls(calls, default_registry(), ToolContext(NoWeather())))  # type: ignore[arg-type]
    assert [r.error for r in results] == ["invalid_arguments"]
    assert json.loads(results[0].output)["error"] == "invalid_arguments"
    assert results[0].arguments == {}
    assert len(events) == 2  # started and finished, once each


def test_a_1_mb_argument_is_refused_without_reaching_the_provider() -> None:
    huge = json.dumps({"location": "x" * 1_000_000, "unit": "Celsius"})
    calls = [ToolCall("c1", "get_current_temperature", huge)]
    _, results = drain(run_tool_calls(calls, default_registry(), ToolContext(NoWeather())))  # type: ignore[arg-type]
    assert results[0].error == "invalid_arguments"
    assert "too long" in results[0].output
    assert len(results[0].output) < 1000  # the 1 MB is not echoed back to the model


@pytest.fixture
def fake_chat(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChat]:
    """A running FakeChat with the environment pointing the chat backend at it."""
    fake = FakeChat().start()
    monkeypatch.setenv("WEATHERBOT_BACKEND", "chat")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-local-faults")
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    try:
        yield fake
    finally:
        fake.stop()


def test_unreadable_arguments_through_the_cli(
    fake_chat: FakeChat, fake_weather: FakeWeather
) -> None:
    calls = [ToolCallSpec(f"call_{n}", "get_rain_probability", a) for n, a in BAD_ARGUMENTS.items()]
    calls.append(ToolCallSpec("call_ok", "get_rain_probability", '{"location": "London"}'))
    fake_chat.model.queue.append(Reply(tool_calls=calls))
    result = runner.invoke(app, ["ask", "--json", "Rain in London?"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "completed"
    errors = {c["id"]: c["error"] for c in doc["tool_calls"]}
    assert errors == {
        "call_deep_array": "invalid_arguments",
        "call_deep_object": "invalid_arguments",
        "call_long_int": "invalid_arguments",
        "call_ok": None,
    }
    # The conversation stays usable: the stored history goes back to the server as it was.
    again = runner.invoke(app, ["ask", "--json", "-c", "And in London tomorrow?"])
    assert again.exit_code == 0, again.stderr


def test_a_1_mb_argument_through_the_cli_is_refused_quickly_and_not_echoed(
    fake_chat: FakeChat, fake_weather: FakeWeather
) -> None:
    huge = json.dumps({"location": "London" * 200_000})
    fake_chat.model.queue.append(
        Reply(tool_calls=[ToolCallSpec("call_1", "get_rain_probability", huge)])
    )
    result = runner.invoke(app, ["ask", "Rain in London?"])
    assert result.exit_code == 0, result.stderr[:2000]
    assert "error: invalid_arguments" in result.stderr
    assert len(result.stderr) < 2_000  # the tool line shows the start of the value, not 1 MB
    assert fake_weather.server.count("GET", "/v1/search") == 0


# -- 2. state entries of the wrong type --------------------------------------------------------


def _thread(d: dict[str, Any]) -> dict[str, Any]:
    return next(iter(d["threads"].values()))  # type: ignore[no-any-return]


ORPHAN_CALL = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {
            "id": "call_x",
            "type": "function",
            "function": {"name": "get_rain_probability", "arguments": "{}"},
        }
    ],
}
ENTRY_DAMAGE: dict[str, Any] = {
    "last_used_at_text": lambda d: _thread(d).update(last_used_at="abc"),
    "created_at_null": lambda d: _thread(d).update(created_at=None),
    "created_at_huge": lambda d: _thread(d).update(created_at=1e308),
    "title_number": lambda d: _thread(d).update(title=7),
    "history_entry_not_object": lambda d: _thread(d)["history"].insert(1, 5),
    "history_entry_no_role": lambda d: _thread(d)["history"].append({"n": 1}),
    "history_not_list": lambda d: _thread(d).update(history="hello"),
    "tool_call_without_output": lambda d: _thread(d)["history"].extend(
        [ORPHAN_CALL, {"role": "user", "content": "x"}]
    ),
    "thread_record_a_list": lambda d: d["threads"].update(local_junk=[1, 2]),
    "threads_a_list": lambda d: d.update(threads=list(d["threads"].values())),
    "last_thread_not_string": lambda d: d["last_thread"].update(chat=3),
    "last_thread_a_string": lambda d: d.update(last_thread="offline"),
    "assistant_not_object": lambda d: d["assistants"].update(chat="asst_1"),
    "assistant_created_at_text": lambda d: d["assistants"].update(
        chat={"id": "asst_1", "created_at": "x"}
    ),
    "servers_a_list": lambda d: d.update(servers=["http://x/v1"]),
    "server_not_object": lambda d: d.setdefault("servers", {}).update({"http://x/v1": True}),
    "server_fact_text": lambda d: d.setdefault("servers", {}).update(
        {"http://x/v1": {"conversations": "no", "background": False, "checked_at": "x"}}
    ),
}


def _damaged_state(home: Any, damage: Any) -> dict[str, Any]:
    """A state with one real offline conversation, then damaged; returns it as written."""
    first = runner.invoke(app, ["ask", "--offline", "Will it rain in London?"])
    assert first.exit_code == 0, first.stderr
    state = home / "state.json"
    data = json.loads(state.read_text())
    damage(data)
    state.write_text(json.dumps(data))
    return data


@pytest.mark.parametrize("damage", list(ENTRY_DAMAGE))
def test_damaged_entries_are_moved_aside_and_every_command_works(
    damage: str, clean_env: Any
) -> None:
    _damaged_state(clean_env, ENTRY_DAMAGE[damage])
    # A thread's history is checked when the thread is used (show, ask -c), the rest on
    # every load: each command works, and exactly one of them reports the repair.
    listed = runner.invoke(app, ["thread", "list"])
    assert listed.exit_code == 0, listed.stderr
    thread_id = listed.stdout.split("\t")[0]
    shown = runner.invoke(app, ["thread", "show", thread_id])
    assert shown.exit_code in (0, 2), shown.stderr  # 2: the damaged thread itself was dropped
    asked = runner.invoke(app, ["ask", "--offline", "-c", "And tomorrow?"])
    assert asked.exit_code == 0, asked.stderr
    stderr = listed.stderr + shown.stderr + asked.stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    warnings = [line for line in stderr.splitlines() if "damaged" in line]
    assert len(warnings) == 1 and "moved them to" in warnings[0], stderr
    # Kept for the user, beside the state file, with what was wrong.
    aside = list(clean_env.glob("state.json.damaged-*"))
    assert len(aside) == 1
    kept = json.loads(aside[0].read_text())
    assert kept["problems"] and kept["entries"]
    assert aside[0].stat().st_mode & 0o777 == 0o600
    # Repaired once: the next commands see a clean state and say nothing more about it.
    again = runner.invoke(app, ["thread", "list"])
    thread_id = again.stdout.split("\t")[0]
    shown = runner.invoke(app, ["thread", "show", thread_id])
    assert shown.exit_code == 0, shown.stderr
    assert "And tomorrow?" in shown.stdout
    assert again.stderr == shown.stderr == ""
    assert len(list(clean_env.glob("state.json.damaged-*"))) == 1


@pytest.mark.parametrize(
    "raw",
    [b"[" * 5000 + b"]" * 5000, b'{"version": 1, "threads": {}, "n": ' + b"9" * 5000 + b"}"],
    ids=["nested_5000", "long_integer"],
)
def test_an_unreadable_state_file_is_moved_aside(raw: bytes, clean_env: Any) -> None:
    clean_env.mkdir(parents=True)
    (clean_env / "state.json").write_bytes(raw)
    result = runner.invoke(app, ["thread", "list"])
    assert result.exit_code == 0, result.stderr
    assert "moved it to" in result.stderr
    assert [p.read_bytes() for p in clean_env.glob("state.json.corrupt-*")] == [raw]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
MESSAGE = st.fixed_dictionaries(
    {},
    optional={
        "role": st.sampled_from(["user", "assistant", "tool", "system"]) | JSON,
        "content": st.text(max_size=20) | JSON,
        "tool_calls": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": st.sampled_from(["call_1", "call_2"]) | JSON,
                    "function": st.fixed_dictionaries(
                        {},
                        optional={
                            "name": st.text(max_size=8) | JSON,
                            "arguments": st.text(max_size=8) | JSON,
                        },
                    )
                    | JSON,
                },
            )
            | JSON,
            max_size=2,
        )
        | JSON,
        "tool_call_id": st.sampled_from(["call_1", "call_2"]) | JSON,
    },
)
THREAD = st.fixed_dictionaries(
    {},
    optional={
        "id": st.just("local_a") | JSON,
        "backend": st.just("offline") | JSON,
        "scope": st.just("offline") | JSON,
        "title": st.text(max_size=10) | JSON,
        "created_at": st.floats() | st.integers() | JSON,
        "last_used_at": st.floats() | st.integers() | JSON,
        "history": st.lists(MESSAGE | JSON, max_size=6) | JSON,
    },
)
STATE = (
    st.fixed_dictionaries(
        {},
        optional={
            "version": st.just(1) | JSON,
            "assistants": st.dictionaries(st.text(max_size=6), JSON, max_size=2) | JSON,
            "threads": st.dictionaries(
                st.sampled_from(["local_a", "local_b"]) | st.text(max_size=6),
                THREAD | JSON,
                max_size=3,
            )
            | JSON,
            "last_thread": st.dictionaries(
                st.just("offline") | st.text(max_size=6),
                st.sampled_from(["local_a", "local_b"]) | JSON,
                max_size=2,
            )
            | JSON,
        },
    )
    | JSON
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(state=STATE)
def test_no_state_shape_crashes_a_command(state: Any, clean_env: Any) -> None:
    clean_env.mkdir(parents=True, exist_ok=True)
    for old in clean_env.glob("state.json*"):
        old.unlink()
    (clean_env / "state.json").write_text(json.dumps(state))
    threads = state.get("threads") if isinstance(state, dict) else None
    some_id = next(iter(threads), "local_a") if isinstance(threads, dict) and threads else "local_a"
    for argv, codes in (
        (["thread", "list"], {0}),
        (["thread", "show", some_id], {0, 2}),
        (["ask", "--offline", "-c", "Rain in Oslo?"], {0, 2}),
        (["thread", "list", "--json"], {0}),
    ):
        result = runner.invoke(app, argv)
        assert result.exit_code in codes, (argv, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, (
            result.stderr
        )


# -- 3. an unusable WEATHERBOT_HOME ------------------------------------------------------------


@pytest.mark.parametrize("argv", [["thread", "list"], ["ask", "--offline", "Rain in Oslo?"]])
def test_weatherbot_home_naming_a_file_is_a_configuration_error(
    argv: list[str], clean_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_env.parent.mkdir(parents=True, exist_ok=True)
    clean_env.write_text("not a directory")
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.stderr
    line = error_line(result.stderr)
    assert str(clean_env) in line and "not a directory" in line and "WEATHERBOT_HOME" in line
    assert result.stdout == ""
    assert clean_env.read_text() == "not a directory"


def test_weatherbot_home_inside_a_file_is_one_line_too(
    clean_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_env.parent.mkdir(parents=True, exist_ok=True)
    clean_env.write_text("a file")
    monkeypatch.setenv("WEATHERBOT_HOME", str(clean_env / "sub"))
    result = runner.invoke(app, ["ask", "--offline", "Rain in Oslo?"])
    assert result.exit_code == 2, result.stderr
    assert str(clean_env) in error_line(result.stderr)


def _with_state(home: Any) -> bytes:
    """One saved conversation; the state file's bytes."""
    first = runner.invoke(app, ["ask", "--offline", "Will it rain in London?"])
    assert first.exit_code == 0, first.stderr
    return (home / "state.json").read_bytes()  # type: ignore[no-any-return]


def _leftovers(home: Any) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.name.endswith(".tmp"))


WRITE_FAULTS = {
    "read_only": (OSError(errno.EROFS, "Read-only file system"), "writable"),
    "permission": (PermissionError(errno.EACCES, "Permission denied"), "writable"),
    "disk_full": (OSError(errno.ENOSPC, "No space left on device"), "free some disk space"),
}


@pytest.mark.parametrize("fault", list(WRITE_FAULTS))
def test_a_failed_state_write_keeps_the_answer_and_the_old_state(
    fault: str, clean_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _with_state(clean_env)
    error, hint = WRITE_FAULTS[fault]

    def fails(*_args: Any, **_kwargs: Any) -> None:
        raise error

    # Where each fault strikes: creating the temp file (read-only, no permission) or
    # flushing it to the disk (full).
    if fault == "disk_full":
        monkeypatch.setattr(os, "fsync", fails)
    else:
        monkeypatch.setattr(tempfile, "mkstemp", fails)
    result = runner.invoke(app, ["ask", "--offline", "-c", "And in Oslo?"])
    assert result.exit_code == 1, result.stderr
    assert "Oslo" in result.stdout  # the answer is printed all the same
    line = error_line(result.stderr)
    assert "not saved" in line and str(clean_env / "state.json") in line and hint in line
    assert error.strerror in line
    assert (clean_env / "state.json").read_bytes() == before
    assert _leftovers(clean_env) == []
    monkeypatch.undo()


def test_a_failed_state_write_with_json_output_still_has_the_answer(
    clean_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_state(clean_env)

    def full(*_args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(app, ["ask", "--offline", "--json", "Rain in Oslo?"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert "Oslo" in doc["answer"] and doc["status"] == "error" and "not saved" in doc["error"]


class ReadOnlyLock:
    """A lock whose file cannot be created, as on a read-only file system."""

    def acquire(self) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    def release(self) -> None:
        pass


def test_a_read_only_home_still_lists_and_shows_and_answers(
    clean_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _with_state(clean_env)
    monkeypatch.setattr(StateStore, "_lock", lambda self: ReadOnlyLock())
    listed = runner.invoke(app, ["thread", "list"])
    assert listed.exit_code == 0, listed.stderr
    thread_id = listed.stdout.split("\t")[0]
    shown = runner.invoke(app, ["thread", "show", thread_id])
    assert shown.exit_code == 0 and "Will it rain in London?" in shown.stdout
    asked = runner.invoke(app, ["ask", "--offline", "-c", "And in Oslo?"])
    assert asked.exit_code == 1 and "Oslo" in asked.stdout
    line = error_line(asked.stderr)
    assert "not saved" in line and "Read-only file system" in line and "writable" in line
    deleted = runner.invoke(app, ["thread", "delete", thread_id])
    assert deleted.exit_code == 1 and "Read-only file system" in error_line(deleted.stderr)
    assert (clean_env / "state.json").read_bytes() == before


# -- 4. invalid UTF-8 on the command line ------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "WEATHERBOT_"))}
    env.update(WEATHERBOT_HOME=str(home), PYTHONPATH=str(REPO), NO_COLOR="1", **extra)
    return env


def _weatherbot(home: Path, *args: str | bytes, **extra: str) -> subprocess.CompletedProcess[bytes]:
    """`python -m weatherbot ARGS` in a real process (argv may hold bytes that are not UTF-8)."""
    return subprocess.run(
        [sys.executable, "-m", "weatherbot", *args],
        env=_env(home, **extra),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_undecodable_bytes_in_the_question_are_replaced_and_answered(clean_env: Path) -> None:
    asked = _weatherbot(clean_env, "ask", "--offline", b"\xff\xfe Will it rain in London?")
    stderr = asked.stderr.decode()
    assert asked.returncode == 0, stderr
    assert "Traceback" not in stderr and "weatherbot:" not in stderr
    assert "London" in asked.stdout.decode()
    state = (clean_env / "state.json").read_bytes().decode("utf-8")  # valid UTF-8
    assert (
        "\ufffd\ufffd Will it rain in London?" in json.loads(state)["threads"].popitem()[1]["title"]
    )
    listed = _weatherbot(clean_env, "thread", "list")
    assert listed.returncode == 0
    assert "\ufffd\ufffd Will it rain in London?" in listed.stdout.decode("utf-8")
    thread_id = listed.stdout.decode().split("\t")[0]
    shown = _weatherbot(clean_env, "thread", "show", thread_id)
    assert shown.returncode == 0 and "\ufffd" in shown.stdout.decode("utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["weather", "--offline", b"Lon\xffdon"], 1, "the offline sample only covers"),
        (["ask", "--offline", "--thread", b"\xff", "Rain?"], 2, "no thread '\ufffd'"),
    ],
)
def test_undecodable_bytes_elsewhere_on_the_command_line_are_one_clear_line(
    args: list[str | bytes], code: int, message: str, clean_env: Path
) -> None:
    result = _weatherbot(clean_env, *args)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == code, stderr
    assert message in error_line(stderr)


def test_a_surrogate_in_an_in_process_question_is_replaced_too() -> None:
    # The REPL and in-process callers reach clean_question without main()'s argv repair.
    result = runner.invoke(app, ["ask", "--offline", "\udcff Will it rain in London?"])
    assert result.exit_code == 0, result.stderr
    listed = runner.invoke(app, ["thread", "list"])
    assert "\ufffd Will it rain in London?" in listed.stdout


# -- 5. settings out of range ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e300", "inf", "nan", "-1", "0", "abc", "3601", "1e400"])
def test_an_api_timeout_out_of_range_is_a_configuration_error(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEATHERBOT_API_TIMEOUT", value)
    result = runner.invoke(app, ["ask", "--offline", "Rain in Oslo?"])
    assert result.exit_code == 2
    line = error_line(result.stderr)
    assert "WEATHERBOT_API_TIMEOUT" in line and repr(value) in line and "3600" in line
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["0.5", "3600", "60"])
def test_an_api_timeout_in_range_is_taken(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from weatherbot.settings import load_settings

    monkeypatch.setenv("WEATHERBOT_API_TIMEOUT", value)
    assert load_settings().api_timeout == float(value)


BAD_CONFIG = {
    "nested_arrays": ("a = " + "[" * 5000 + "]" * 5000 + "\n").encode(),
    "nested_tables": ("a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n").encode(),
    "not_utf8": b'units = "metric\xff"\n',
    "long_integer": b"api_timeout = " + b"9" * 5000 + b"\n",
    "broken": b"units = \n",
}


@pytest.mark.parametrize("name", list(BAD_CONFIG))
def test_an_unreadable_config_file_is_one_line_naming_it(name: str, clean_env: Path) -> None:
    clean_env.mkdir(parents=True)
    (clean_env / "config.toml").write_bytes(BAD_CONFIG[name])
    result = runner.invoke(app, ["thread", "list"])
    assert result.exit_code == 2
    line = error_line(result.stderr)
    assert str(clean_env / "config.toml") in line and "fix or remove" in line
    assert len(line) < 300


# -- 6. a reader that goes away (| head) -------------------------------------------------------


def _many_threads(home: Path, count: int = 3000) -> None:
    """A state with `count` threads: far more `thread list` output than a pipe buffers."""
    home.mkdir(parents=True, exist_ok=True)
    threads = {
        f"local_{n:024x}": {
            "id": f"local_{n:024x}",
            "backend": "offline",
            "scope": "offline",
            "title": f"Will it rain in Oslo on day {n}?",
            "created_at": 1_790_000_000.0 + n,
            "last_used_at": 1_790_000_000.0 + n,
            "history": [],
        }
        for n in range(count)
    }
    state = {"version": 1, "assistants": {}, "threads": threads, "last_thread": {}}
    (home / "state.json").write_text(json.dumps(state))


def _piped(home: Path, command: str, reader: str) -> tuple[int, str, str]:
    """`python -m weatherbot COMMAND | READER` in bash: weatherbot's status, stderr, and stdout."""
    script = f'{sys.executable} -m weatherbot {command} 2>"$ERR" | {reader}; echo "status=${{PIPESTATUS[0]}}"'
    err = home.parent / "stderr.txt"
    result = subprocess.run(
        ["bash", "-c", script],
        env=_env(home, ERR=str(err)),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    out, _, status = result.stdout.rpartition("status=")
    return int(status), err.read_text(), out


def test_thread_list_into_head_stops_quietly(clean_env: Path) -> None:
    _many_threads(clean_env)
    status, stderr, out = _piped(clean_env, "thread list", "head -1")
    assert out.startswith("local_") and len(out.splitlines()) == 1
    assert stderr == ""  # like `git log | head`: nothing to report
    assert status == 0  # the reader took what it wanted: not a failure (git, gh, llm)
    assert len(json.loads((clean_env / "state.json").read_text())["threads"]) == 3000


@pytest.mark.parametrize(
    ("command", "reader"),
    [
        ("ask --offline --stream 'weather in London'", "head -c 10"),
        ("weather --offline London", "head -1"),
        ("ask --offline --json 'weather in London'", "head -c 10"),
    ],
)
def test_answers_into_head_stop_quietly(command: str, reader: str, clean_env: Path) -> None:
    status, stderr, out = _piped(clean_env, command, reader)
    assert out.strip()
    # The tool lines are stderr's usual content; nothing else may appear there.
    assert "weatherbot:" not in stderr and "Traceback" not in stderr and "Error" not in stderr
    # 0 whether everything fitted in the pipe before head left or a write found it closed.
    assert status == 0


@pytest.mark.parametrize("stream", ["--stream", "--no-stream"])
def test_an_answer_into_a_closed_pipe_is_exit_0_quietly(stream: str, clean_env: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader has already left: the first write fails, every time
    try:
        result = subprocess.run(
            [sys.executable, "-m", "weatherbot", "ask", "--offline", stream, "weather in London"],
            env=_env(clean_env),
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
    assert "weatherbot:" not in result.stderr and "Traceback" not in result.stderr
    # The conversation is remembered (a streamed answer the reader cut short is not stored:
    # weatherbot stops at once, as `git log | head` does, rather than finish the answer).
    listed = _weatherbot(clean_env, "thread", "list")
    assert "weather in London" in listed.stdout.decode()


# -- 7. SIGTERM and SIGHUP ---------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_cancel_the_run_and_exit_130(sig: int, clean_env: Path) -> None:
    fake = FakeAssistants()
    fake.poll_after_ms = 20
    fake.faults.append("stuck")  # the run stays in_progress until cancelled
    with fake:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "weatherbot",
                "ask",
                "--backend",
                "assistants",
                "Rain in London?",
            ],
            env=_env(
                clean_env, OPENAI_API_KEY="sk-test-sigterm", OPENAI_BASE_URL=fake.base_url + "/v1"
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        fake.wait_for_a_poll(proc)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    stderr = err.decode()
    assert proc.returncode == 130, stderr
    assert "cancelled the run" in error_line(stderr)
    assert len(fake.cancelled) == 1
    assert fake.count("POST", r"/v1/threads/[^/]+/runs/[^/]+/cancel") == 1
    assert out == b""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_end_chat_at_its_prompt(
    sig: int, clean_env: Path, tmp_path: Path
) -> None:
    import pexpect

    env = {k: v for k, v in _env(clean_env).items() if k != "NO_COLOR"}
    env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", PYTHONUNBUFFERED="1")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "weatherbot", "chat", "--offline"],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        dimensions=(40, 160),
        timeout=30,
    )
    child.expect_exact("\x1b[?2004h")  # the prompt reads keys itself (bracketed paste on)
    child.kill(sig)
    child.expect(pexpect.EOF)
    child.close()
    # Ctrl-C at the prompt only clears the line; SIGTERM/SIGHUP end the session, as Ctrl-C ends `ask`.
    assert child.exitstatus == 130, child.before
    assert "Traceback" not in (child.before or "")


# -- 8. size limits ----------------------------------------------------------------------------


def _stored_history(home: Path) -> list[dict[str, Any]]:
    threads = json.loads((home / "state.json").read_text())["threads"]
    assert len(threads) == 1
    return next(iter(threads.values()))["history"]  # type: ignore[no-any-return]


def test_a_huge_answer_is_printed_whole_and_stored_cut_with_a_note(
    fake_chat: FakeChat, fake_weather: FakeWeather, clean_env: Path
) -> None:
    answer = "It will rain. " * 360_000  # 5,040,000 characters
    fake_chat.model.queue.append(Reply(text=answer))
    result = runner.invoke(app, ["ask", "Will it rain?"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == answer.strip()  # what the user sees is never cut
    stored = _stored_history(clean_env)[-1]["content"]
    kept = stored.index("… [cut: ")
    dropped = len(answer) - kept
    assert stored == answer[:kept] + f"… [cut: {dropped:,} characters not stored]"
    assert MAX_TEXT_CHARS - 100 < len(stored) <= MAX_TEXT_CHARS
    assert (clean_env / "state.json").stat().st_size < 100_000
    shown = runner.invoke(
        app, ["thread", "show", runner.invoke(app, ["thread", "list"]).stdout.split("\t")[0]]
    )
    assert f"[cut: {dropped:,} characters not stored]" in " ".join(shown.stdout.split())
    # The cut history goes back to the server and the conversation goes on.
    again = runner.invoke(app, ["ask", "-c", "And in London?"])
    assert again.exit_code == 0, again.stderr


def test_huge_tool_arguments_are_stored_as_a_json_note(
    fake_chat: FakeChat, fake_weather: FakeWeather, clean_env: Path
) -> None:
    arguments = json.dumps({"location": "London", "note": "y" * 100_000})
    fake_chat.model.queue.append(
        Reply(tool_calls=[ToolCallSpec("call_big", "get_rain_probability", arguments)])
    )
    result = runner.invoke(app, ["ask", "--json", "Rain in London?"])
    assert result.exit_code == 0, result.stderr
    stored = next(m for m in _stored_history(clean_env) if m.get("tool_calls"))
    note = json.loads(stored["tool_calls"][0]["function"]["arguments"])  # still JSON
    assert note == {"cut": f"… [cut: {len(arguments):,} characters not stored]"}
    again = runner.invoke(app, ["ask", "-c", "And tomorrow?"])
    assert again.exit_code == 0, again.stderr


def test_a_huge_tool_output_is_stored_cut() -> None:
    output = json.dumps({"error": "x", "message": "z" * 50_000})
    stored = capped({"role": "tool", "tool_call_id": "call_1", "content": output})
    kept = stored["content"].index("… [cut: ")
    assert stored["content"] == output[:kept] + cut_note(len(output) - kept)
    assert MAX_TOOL_OUTPUT_CHARS - 100 < len(stored["content"]) <= MAX_TOOL_OUTPUT_CHARS
    assert capped(stored) is stored  # cut once: what is stored fits, and is not cut again
    short = {"role": "assistant", "content": "fine"}
    assert capped(short) is short


def _valid_chat_history(history: list[dict[str, Any]]) -> bool:
    """What Chat Completions checks: every tool call answered right after it, no stray output."""
    return paired_indices(history) == list(range(len(history)))


TURN = st.lists(st.integers(min_value=1, max_value=16), max_size=8)  # tool calls per round


def _turn(question: int, rounds: list[int]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [{"role": "user", "content": f"q{question}"}]
    for r, calls in enumerate(rounds):
        ids = [f"call_{question}_{r}_{c}" for c in range(calls)]
        function = {"name": "get_rain_probability", "arguments": "{}"}
        messages.append(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"id": i, "type": "function", "function": function} for i in ids],
            }
        )
        messages.extend({"role": "tool", "tool_call_id": i, "content": "{}"} for i in ids)
    messages.append({"role": "assistant", "content": f"a{question}"})
    return messages


@settings(max_examples=100, deadline=None)
@given(turns=st.lists(TURN, min_size=1, max_size=40))
def test_the_kept_history_is_capped_and_never_splits_a_call_from_its_outputs(
    turns: list[list[int]],
) -> None:
    history = [m for n, rounds in enumerate(turns) for m in _turn(n, rounds)]
    kept = trimmed(history)
    assert len(kept) <= MAX_HISTORY_MESSAGES
    assert _valid_chat_history(kept)
    assert kept == history[len(history) - len(kept) :]  # the newest messages, in order
    if len(history) > MAX_HISTORY_MESSAGES:
        assert kept[0]["role"] == "user"


def test_the_store_keeps_the_newest_messages_of_a_thread(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.json")
    for n in range(150):
        store.save_thread("local_a", "offline", "offline", "q", append_history=_turn(n, [2]))
    history = store.get_thread("local_a")["history"]  # type: ignore[index]
    assert len(history) <= MAX_HISTORY_MESSAGES and _valid_chat_history(history)
    assert history[-1] == {"role": "assistant", "content": "a149"}
    assert history[0]["role"] == "user"


def test_an_oversized_history_from_before_the_caps_is_cut_once_and_kept_aside(
    clean_env: Path,
) -> None:
    answer = "Sunny. " * 200_000
    history = [m for n in range(120) for m in _turn(n, [1])]  # 480 messages
    history[-1]["content"] = answer
    clean_env.mkdir(parents=True)
    record = {
        "id": "local_a",
        "backend": "offline",
        "scope": "offline",
        "title": "q",
        "created_at": 1.0,
        "last_used_at": 2.0,
        "history": history,
    }
    state = {
        "version": 1,
        "assistants": {},
        "threads": {"local_a": record},
        "last_thread": {"offline": "local_a"},
    }
    (clean_env / "state.json").write_text(json.dumps(state))
    # A file from before the caps has every history checked on its first load, once.
    listed = runner.invoke(app, ["thread", "list"])
    assert listed.exit_code == 0 and "oversized" in listed.stderr
    stored = _stored_history(clean_env)
    assert len(stored) <= MAX_HISTORY_MESSAGES and _valid_chat_history(stored)
    kept = stored[-1]["content"].index("… [cut: ")
    assert stored[-1]["content"].endswith(f"[cut: {len(answer) - kept:,} characters not stored]")
    (aside,) = clean_env.glob("state.json.damaged-*")
    assert json.loads(aside.read_text())["entries"]["threads"]["local_a"]["history"] == history
    for argv in (["thread", "list"], ["thread", "show", "local_a"]):
        again = runner.invoke(app, argv)
        assert again.exit_code == 0 and again.stderr == ""
