"""`weatherbot mcp` over stdio, started as a client starts it: a subprocess and the SDK's client.

Weather comes from the fake Open-Meteo the test starts; the server process gets its URL the
way a user's client config would pass it, in the environment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from typing import Any

import anyio
from mcp import Client, StdioServerParameters
from typer.testing import CliRunner

from tests.fakes.weather_server import FakeWeather, sf_forecast
from weatherbot.cli import app
from weatherbot.tools.context import c_to_f
from weatherbot.tools.weather import default_registry

COMMAND = [sys.executable, "-m", "weatherbot", "mcp"]
# Generous: a loaded CI machine starts Python slowly; a healthy run takes about a second.
WAIT_S = 60


def server_env() -> dict[str, str]:
    """What a client config passes: the test's home and fake URLs (and PATH for Python)."""
    keep = {k: v for k, v in os.environ.items() if k.startswith("WEATHERBOT_")}
    return {**keep, "PATH": os.environ.get("PATH", ""), "PYTHONUTF8": "1"}


def test_a_client_gets_the_seed_question_s_answers_over_stdio(fake_weather: FakeWeather) -> None:
    recorded = sf_forecast()
    found: dict[str, Any] = {}

    async def main() -> None:
        params = StdioServerParameters(command=COMMAND[0], args=COMMAND[1:], env=server_env())
        async with Client(params, read_timeout_seconds=WAIT_S) as client:
            found["tools"] = [t.name for t in (await client.list_tools()).tools]
            found["temperature"] = await client.call_tool(
                "get_current_temperature", {"location": "San Francisco, CA", "unit": "Fahrenheit"}
            )
            found["rain"] = await client.call_tool(
                "get_rain_probability", {"location": "San Francisco, CA"}
            )

    anyio.run(main)
    assert found["tools"] == default_registry().names()
    temperature = found["temperature"].structured_content
    assert temperature["temperature"] == round(c_to_f(recorded["current"]["temperature_2m"]), 1)
    assert temperature["unit"] == "Fahrenheit"
    rain = found["rain"].structured_content
    assert rain["probability_percent"] == recorded["daily"]["precipitation_probability_max"][0]
    assert rain["source"] == "Open-Meteo"
    assert (fake_weather.searches(), fake_weather.forecasts()) == (1, 1)


def _messages(*calls: dict[str, Any]) -> bytes:
    hello = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    }
    ready = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    return b"".join(json.dumps(m).encode() + b"\n" for m in (hello, ready, *calls))


def _call(number: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    params = {"name": name, "arguments": arguments}
    return {"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}


def test_stdout_carries_only_protocol_messages(fake_weather: FakeWeather) -> None:
    # -v logs every call, a failing one among them: all of it on stderr. The input ends right
    # after the calls, as `printf ... | weatherbot mcp` does: both are answered all the same.
    requests = _messages(
        _call(1, "get_rain_probability", {"location": "London"}),
        _call(2, "get_forecast", {"location": "Springfield", "days": 2}),
    )
    done = subprocess.run(
        [*COMMAND, "-v"], input=requests, capture_output=True, env=server_env(), timeout=WAIT_S
    )
    assert done.returncode == 0, done.stderr
    # Calls run concurrently, so answers come in any order; every one comes before the exit.
    replies = sorted((json.loads(line) for line in done.stdout.splitlines()), key=lambda r: r["id"])
    assert [r["id"] for r in replies] == [0, 1, 2]
    assert all(r["jsonrpc"] == "2.0" for r in replies)
    assert replies[1]["result"]["structuredContent"]["location"].startswith("London")
    assert replies[2]["result"]["isError"] is True
    log = done.stderr.decode()
    assert "get_rain_probability(location='London'): ok" in log
    assert "get_forecast(location='Springfield', days=2, unit='Celsius'): error ambiguous" in log
    assert "Traceback" not in log


def test_a_client_that_closes_the_pipe_ends_the_server_quietly(fake_weather: FakeWeather) -> None:
    server = subprocess.Popen(
        COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_env(),
    )
    assert server.stdin is not None and server.stdout is not None
    # The client goes away before reading a word: the server's first reply meets a closed pipe.
    server.stdout.close()
    server.stdin.write(_messages(_call(1, "get_rain_probability", {"location": "London"})))
    server.stdin.close()
    assert server.wait(timeout=WAIT_S) == 0
    assert server.stderr is not None
    assert server.stderr.read().decode() == ""


def test_end_of_input_ends_the_server(fake_weather: FakeWeather) -> None:
    done = subprocess.run(COMMAND, input=b"", capture_output=True, env=server_env(), timeout=WAIT_S)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


def test_without_the_extra_it_says_how_to_install_it(monkeypatch: Any) -> None:
    # What a plain `pip install weatherbot` has: no mcp package to import.
    for name in ["mcp", *(m for m in sys.modules if m.startswith("mcp."))]:
        monkeypatch.setitem(sys.modules, name, None)
    for name in [m for m in sys.modules if m.startswith("weatherbot.mcp")]:
        monkeypatch.delitem(sys.modules, name)
    result = CliRunner().invoke(app, ["mcp"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "weatherbot: weatherbot mcp needs the MCP SDK "
        "(install it with: pip install 'weatherbot[mcp]')\n"
    )


def test_nothing_but_the_mcp_command_imports_the_sdk() -> None:
    # The whole CLI loaded, and a question answered offline, without the SDK.
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from weatherbot.cli import app\n"
        "r = CliRunner().invoke(app, ['ask', '--offline', 'rain in London today?'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=server_env(),
        timeout=WAIT_S,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


def test_ctrl_c_stops_a_waiting_server_at_once(fake_weather: FakeWeather) -> None:
    # A user trying `weatherbot mcp` in a terminal: it waits for input; Ctrl-C must not wait
    # for the next line too (the SDK reads stdin in a thread a normal shutdown waits for).
    server = subprocess.Popen(
        COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_env(),
    )
    assert server.stdin is not None and server.stdout is not None and server.stderr is not None
    server.stdin.write(_messages())
    server.stdin.flush()
    assert json.loads(server.stdout.readline())["id"] == 0  # serving, handlers in place
    server.send_signal(signal.SIGINT)
    try:
        assert server.wait(timeout=WAIT_S) == 130
    finally:
        server.kill()
        server.stdin.close()
    assert server.stderr.read().decode() == "weatherbot: interrupted\n"


def test_malformed_lines_get_json_rpc_errors_and_a_broken_string_an_answer(
    fake_weather: FakeWeather,
) -> None:
    # What a buggy client sends; each must be answered, or that client waits forever. A lone
    # surrogate is what Python's json.dumps writes for a broken string: read as U+FFFD.
    lines = [
        b"not json",
        b'{"jsonrpc":"2.0","id":11}',
        b'{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{"name":"get_forecast",'
        b'"arguments":{"location":"\\ud800"}}}',
        b'{"jsonrpc":"2.0","id":3,"method":"ping"}',
    ]
    requests = _messages() + b"".join(line + b"\n" for line in lines)
    done = subprocess.run(
        COMMAND, input=requests, capture_output=True, env=server_env(), timeout=WAIT_S
    )
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    by_id = {r["id"]: r for r in replies}
    assert sorted(by_id, key=str) == sorted([0, None, 11, 14, 3], key=str)
    assert by_id[None]["error"]["code"] == -32700
    assert by_id[11]["error"]["code"] == -32600
    assert by_id[14]["result"]["isError"] is True
    assert json.loads(by_id[14]["result"]["content"][0]["text"])["error"] == "not_found"
    assert by_id[3]["result"] == {}
    assert "Traceback" not in done.stderr.decode()
