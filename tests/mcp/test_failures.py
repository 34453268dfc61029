"""Every way a call can fail comes back as the tools' JSON error, and a bad setup stops the start.

A provider setting no call could use is found before serving (one line, exit 2), as `ask` does;
once serving, no failure reaches the client as the SDK's plain text or stderr as a traceback.
"""

from __future__ import annotations

import itertools
import json
import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather
from tests.mcp.test_server import session, tool_error
from tests.mcp.test_stdio import COMMAND, WAIT_S, _call, _messages, server_env
from weatherbot.mcp import server as mcp_server
from weatherbot.mcp.server import build_server
from weatherbot.settings import load_settings

UNKNOWN = "weatherbot: unknown weather provider 'nope'"


@pytest.mark.parametrize(
    ("flags", "env", "config", "first_words"),
    [
        (["--provider", "nope"], {}, None, UNKNOWN),
        ([], {"WEATHERBOT_PROVIDER": "nope"}, None, UNKNOWN),
        ([], {}, 'provider = "nope"\n', UNKNOWN),
        ([], {"WEATHERBOT_FALLBACK_PROVIDERS": "nope"}, None, UNKNOWN),
        (
            ["--provider", "openweathermap"],
            {},
            None,
            "weatherbot: the openweathermap provider needs an API key",
        ),
    ],
)
def test_a_provider_setup_no_call_could_use_stops_the_start_in_one_line(
    flags: list[str], env: dict[str, str], config: str | None, first_words: str, tmp_path: Path
) -> None:
    home = tmp_path / "server-home"
    home.mkdir()
    if config is not None:
        (home / "config.toml").write_text(config)
    requests = _messages(_call(1, "get_current_temperature", {"location": "London"}))
    done = subprocess.run(
        [*COMMAND, *flags],
        input=requests,
        capture_output=True,
        env={**server_env(), "WEATHERBOT_HOME": str(home), **env},
        timeout=WAIT_S,
    )
    stderr = done.stderr.decode()
    assert (done.returncode, done.stdout) == (2, b""), stderr
    assert stderr.startswith(first_words), stderr
    assert stderr.count("\n") == 1, stderr


def test_an_unknown_tool_is_a_json_tool_error(fake_weather: FakeWeather) -> None:
    async def check(client: Client) -> None:
        error = tool_error(await client.call_tool("get_weather", {"location": "London"}))
        assert error["error"] == "unknown_tool"
        assert "'get_weather'" in error["message"]
        assert "get_current_temperature" in error["message"]

    session(check)


def test_a_call_that_raises_is_a_json_error_and_no_traceback(
    fake_weather: FakeWeather, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The service built at start works; the one a call builds later does not (a bug, a file
    # gone): the client reads a JSON error, and the log has one line without a traceback.
    built: list[int] = []
    real = mcp_server.build_service

    def flaky(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        if len(built) > 1:
            raise RuntimeError("the service broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(mcp_server, "build_service", flaky)
    server = build_server(load_settings(), sleep=lambda _seconds: None)
    found: dict[str, Any] = {}

    async def check(client: Client) -> None:
        found["result"] = await client.call_tool("get_rain_probability", {"location": "Paris"})

    with caplog.at_level(logging.INFO, logger="weatherbot"):
        session(check, server)
    assert tool_error(found["result"]) == {
        "error": "internal_error",
        "message": "RuntimeError: the service broke",
    }
    records = [r for r in caplog.records if r.name.startswith(("weatherbot", "mcp"))]
    assert any("get_rain_probability failed: RuntimeError" in r.getMessage() for r in records)
    assert not any(r.exc_info for r in records)


def test_stderr_has_no_traceback_for_any_failed_call(fake_weather: FakeWeather) -> None:
    requests = _messages(
        _call(1, "nope", {}),
        _call(2, "get_forecast", {"location": "Springfield"}),
        _call(3, "get_forecast", {"location": "London", "days": "many"}),
    )
    done = subprocess.run(
        [*COMMAND, "-v"], input=requests, capture_output=True, env=server_env(), timeout=WAIT_S
    )
    assert done.returncode == 0, done.stderr
    replies = {r["id"]: r for r in map(json.loads, done.stdout.splitlines())}
    errors = {n: json.loads(replies[n]["result"]["content"][0]["text"]) for n in (1, 2, 3)}
    assert [errors[n]["error"] for n in (1, 2, 3)] == [
        "unknown_tool",
        "ambiguous",
        "invalid_arguments",
    ]
    assert "Traceback" not in done.stderr.decode()


def test_a_stalled_lookup_answers_timeout_within_the_call_deadline(
    fake_weather: FakeWeather, caplog: pytest.LogCaptureFixture
) -> None:
    # The geocoder never answers; the provider's own timeouts would take far longer than a
    # client waits. The call's deadline answers first, and the -v line times the whole call.
    fake_weather.server.inject("GET", "/v1/search", Response(hang=True))
    ticks = itertools.count(0, 47)
    server = build_server(
        load_settings(), sleep=lambda _s: None, deadline_s=0.2, clock=lambda: next(ticks)
    )
    found: dict[str, Any] = {}

    async def check(client: Client) -> None:
        found["result"] = await client.call_tool("get_rain_probability", {"location": "Oslo"})

    with caplog.at_level(logging.INFO, logger="weatherbot"):
        session(check, server)
    error = tool_error(found["result"])
    assert error["error"] == "timeout"
    assert "within 0.2 s" in error["message"]
    assert "get_rain_probability(location='Oslo'): error timeout in 47000 ms" in caplog.text


def test_the_log_line_cuts_long_argument_values(
    fake_weather: FakeWeather, caplog: pytest.LogCaptureFixture
) -> None:
    async def check(client: Client) -> None:
        await client.call_tool("get_rain_probability", {"location": "x" * 100_000})

    with caplog.at_level(logging.INFO, logger="weatherbot"):
        session(check)
    (line,) = [r.getMessage() for r in caplog.records if "get_rain_probability(" in r.getMessage()]
    assert len(line) < 400
    assert f"location='{'x' * 199}... (100002 chars)" in line
