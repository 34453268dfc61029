"""Signals stop `weatherbot mcp` at once, on both transports, even with a call in flight.

The fake weather server never answers the call's lookup, so only an immediate stop passes: a
graceful shutdown would wait for that request.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
from typing import Any

import httpx2
import pytest

from tests.fakes.server import Response
from tests.fakes.weather_server import FakeWeather
from tests.mcp.test_http import ACCEPT
from tests.mcp.test_stdio import COMMAND, WAIT_S, _call, _messages, server_env


def _held(fake_weather: FakeWeather) -> threading.Event:
    """The next geocoding request is never answered; the event is set once it arrived."""
    arrived = threading.Event()
    fake_weather.server.inject("GET", "/v1/search", Response(hang=True))
    fake_weather.server.rewrites.append(lambda _response: arrived.set())
    return arrived


def _stopped(server: subprocess.Popen[Any], signum: int) -> tuple[int, str]:
    server.send_signal(signum)
    try:
        code = server.wait(timeout=WAIT_S)
    finally:
        server.kill()
    assert server.stderr is not None
    rest = server.stderr.read()
    return code, rest if isinstance(rest, str) else rest.decode()


def test_ctrl_c_stops_the_http_server_with_a_request_in_flight(fake_weather: FakeWeather) -> None:
    arrived = _held(fake_weather)
    server = subprocess.Popen(
        [*COMMAND, "--http", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=server_env(),
        text=True,
    )
    assert server.stderr is not None
    found = re.search(r"serving (http://\S+/mcp) ", server.stderr.readline())
    assert found
    request = _call(1, "get_rain_probability", {"location": "Oslo"})
    outcome: list[object] = []

    def post() -> None:
        try:
            reply = httpx2.post(found.group(1), json=request, headers=ACCEPT, timeout=WAIT_S)
            outcome.append(reply.json())
        except httpx2.HTTPError as exc:
            outcome.append(exc)  # the server went away mid-request: what Ctrl-C does

    client = threading.Thread(target=post, daemon=True)
    client.start()
    assert arrived.wait(WAIT_S)
    code, rest = _stopped(server, signal.SIGINT)
    client.join(WAIT_S)
    assert (code, rest) == (130, "weatherbot: interrupted\n")
    # Stopped before the call could end: a graceful shutdown would have waited to send the
    # call's (timeout) answer first.
    assert len(outcome) == 1 and isinstance(outcome[0], httpx2.HTTPError), outcome


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130)])
def test_a_signal_stops_the_stdio_server_with_a_call_in_flight(
    fake_weather: FakeWeather, signum: int, code: int
) -> None:
    arrived = _held(fake_weather)
    server = subprocess.Popen(
        COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=server_env(),
    )
    assert server.stdin is not None
    server.stdin.write(_messages(_call(1, "get_rain_probability", {"location": "Oslo"})))
    server.stdin.flush()
    assert arrived.wait(WAIT_S)
    try:
        assert _stopped(server, signum) == (code, "weatherbot: interrupted\n")
    finally:
        server.stdin.close()
