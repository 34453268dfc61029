"""`weatherbot mcp --http`: streamable HTTP, stateless, with the MCP spec's Origin and token checks.

One test starts the real server as a subprocess and talks to it with the SDK's client; the
checks themselves (bind parsing, Origin, bearer token) are tested on the ASGI guard directly.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from typer.testing import CliRunner

from tests.fakes.weather_server import FakeWeather, sf_forecast
from tests.mcp.test_stdio import WAIT_S, server_env
from weatherbot.cli import app
from weatherbot.errors import UsageError
from weatherbot.mcp.http import Bind, Guard, parse_bind
from weatherbot.tools.context import c_to_f

HELLO = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
ACCEPT = {"accept": "application/json, text/event-stream"}


@pytest.fixture
def served(fake_weather: FakeWeather, request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """`weatherbot mcp --http 127.0.0.1:0` running; its URL (from its first stderr line)."""
    env = {**server_env(), **getattr(request, "param", {})}
    server = subprocess.Popen(
        [sys.executable, "-m", "weatherbot", "mcp", "--http", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert server.stderr is not None
    line = server.stderr.readline()
    found = re.search(r"serving (http://127\.0\.0\.1:\d+/mcp) \(stateless", line)
    assert found, line
    try:
        yield found.group(1), server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=WAIT_S)


def test_a_client_gets_the_seed_question_s_answers_over_http(
    served: tuple[str, Any], fake_weather: FakeWeather
) -> None:
    url, server = served
    recorded = sf_forecast()
    found: dict[str, Any] = {}

    async def main() -> None:
        async with Client(url, read_timeout_seconds=WAIT_S) as client:
            found["tools"] = len((await client.list_tools()).tools)
            found["temperature"] = await client.call_tool(
                "get_current_temperature", {"location": "San Francisco, CA", "unit": "Fahrenheit"}
            )
            found["rain"] = await client.call_tool(
                "get_rain_probability", {"location": "San Francisco, CA"}
            )

    anyio.run(main)
    assert found["tools"] == 7
    temperature = found["temperature"].structured_content
    assert temperature["temperature"] == round(c_to_f(recorded["current"]["temperature_2m"]), 1)
    rain = found["rain"].structured_content
    assert rain["probability_percent"] == recorded["daily"]["precipitation_probability_max"][0]
    # A browser page from elsewhere is refused (DNS rebinding), with a reason.
    refused = httpx2.post(url, json=HELLO, headers={**ACCEPT, "origin": "https://evil.example"})
    assert refused.status_code == 403
    assert "WEATHERBOT_MCP_ALLOWED_ORIGINS" in refused.json()["error"]
    # Ctrl-C stops it: no traceback, the interrupt's exit code.
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=WAIT_S) == 130
    rest = server.stderr.read()
    assert "Traceback" not in rest
    assert "refused a request from origin 'https://evil.example'" in rest


@pytest.mark.parametrize("served", [{"WEATHERBOT_MCP_TOKEN": "s3cret-token"}], indirect=True)
def test_with_a_token_set_only_its_bearer_gets_in(served: tuple[str, Any]) -> None:
    url, server = served
    assert httpx2.post(url, json=HELLO, headers=ACCEPT).status_code == 401
    wrong = {**ACCEPT, "authorization": "Bearer guess"}
    assert httpx2.post(url, json=HELLO, headers=wrong).status_code == 401
    tools: list[str] = []

    async def main() -> None:
        headers = {"authorization": "Bearer s3cret-token"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=WAIT_S) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            tools.extend(t.name for t in (await client.list_tools()).tools)

    anyio.run(main)
    assert "get_rain_probability" in tools
    server.send_signal(signal.SIGINT)
    server.wait(timeout=WAIT_S)
    assert "s3cret-token" not in server.stderr.read()


@pytest.mark.parametrize(
    ("text", "bind"),
    [
        ("127.0.0.1:8765", Bind("127.0.0.1", 8765)),
        (":8765", Bind("127.0.0.1", 8765)),
        ("8765", Bind("127.0.0.1", 8765)),
        ("localhost:0", Bind("localhost", 0)),
        ("[::1]:9000", Bind("::1", 9000)),
        ("0.0.0.0:80", Bind("0.0.0.0", 80)),
        (" 10.1.2.3:8080 ", Bind("10.1.2.3", 8080)),
    ],
)
def test_bind_addresses_people_write(text: str, bind: Bind) -> None:
    assert parse_bind(text) == bind


@pytest.mark.parametrize("text", ["", "host", "127.0.0.1:", "127.0.0.1:http", ":99999", "[::1]"])
def test_a_bad_bind_address_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="--http needs HOST:PORT"):
        parse_bind(text)


def test_a_bad_bind_address_exits_2_in_one_line() -> None:
    result = CliRunner().invoke(app, ["mcp", "--http", "localhost"])
    assert result.exit_code == 2
    assert result.stderr.startswith("weatherbot: --http needs HOST:PORT, not 'localhost' (e.g.")
    assert result.stderr.count("\n") == 1


def _through_guard(guard: Guard, headers: dict[str, str]) -> int:
    """The status the guard gives a request with these headers (200: handed on)."""
    statuses: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        statuses.append(200)

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    scope = {
        "type": "http",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    guard.app = app
    anyio.run(guard, scope, receive, send)
    return statuses[0]


@pytest.mark.parametrize(
    ("host", "origin", "status"),
    [
        ("127.0.0.1", None, 200),  # not a browser: every MCP client
        ("127.0.0.1", "http://localhost:6274", 200),  # the MCP Inspector on this machine
        ("127.0.0.1", "http://127.0.0.1:3000", 200),
        ("127.0.0.1", "https://evil.example", 403),
        ("127.0.0.1", "http://localhost.evil.example", 403),
        ("127.0.0.1", "null", 403),
        ("0.0.0.0", "http://localhost:6274", 403),  # reachable from others: only listed ones
        ("0.0.0.0", "https://app.example.com", 200),  # listed in the setting
        ("0.0.0.0", "https://app.example.com/", 200),
    ],
)
def test_origins(host: str, origin: str | None, status: int) -> None:
    guard = Guard(app=None, bind=Bind(host, 80), token=None, origins=("https://app.example.com",))  # type: ignore[arg-type]
    headers = {} if origin is None else {"origin": origin}
    assert _through_guard(guard, headers) == status


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer s3cret", 200),
        ("bearer s3cret", 200),
        ("Bearer  s3cret ", 200),
        ("Bearer s3cre", 401),
        ("Basic s3cret", 401),
        ("s3cret", 401),
    ],
)
def test_bearer_token(authorization: str | None, status: int) -> None:
    guard = Guard(app=None, bind=Bind("0.0.0.0", 80), token="s3cret", origins=())  # type: ignore[arg-type]
    headers = {} if authorization is None else {"authorization": authorization}
    assert _through_guard(guard, headers) == status


def test_a_server_others_can_reach_warns_without_a_token(fake_weather: FakeWeather) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "weatherbot", "mcp", "--http", "0.0.0.0:0"],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={k: v for k, v in server_env().items() if k != "WEATHERBOT_MCP_TOKEN"},
        text=True,
    )
    assert server.stderr is not None
    try:
        assert "serving http://0.0.0.0:" in server.stderr.readline()
        assert "set WEATHERBOT_MCP_TOKEN" in server.stderr.readline()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=WAIT_S)


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "weatherbot", "mcp", "--http", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            env={**server_env(), "WEATHERBOT_HOME": os.environ["WEATHERBOT_HOME"]},
            timeout=WAIT_S,
        )
    finally:
        taken.close()
    assert done.returncode == 2
    assert done.stderr.startswith(f"weatherbot: cannot listen on 127.0.0.1:{port}: ")
    assert done.stderr.count("\n") == 1


def test_a_get_is_answered_at_once_not_held_open(served: tuple[str, Any]) -> None:
    # Stateless: no stream of server messages to offer, so no connection is left hanging.
    url, _server = served
    reply = httpx2.get(url, headers={"accept": "text/event-stream"}, timeout=WAIT_S)
    assert reply.status_code == 405
    assert reply.headers["allow"] == "POST"
