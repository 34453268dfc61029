"""`--http` addresses that cannot work: each refusal gives the advice that fits its cause."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from weatherbot.cli import app
from weatherbot.errors import UsageError
from weatherbot.mcp.http import Bind, listening_socket, parse_bind

THIS_MACHINE = "use 127.0.0.1, or an address of this machine"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("http://127.0.0.1:8770", "give HOST:PORT without http://, e.g. --http 127.0.0.1:8770"),
        ("https://localhost:8770/mcp", "without https://, e.g. --http localhost:8770"),
    ],
)
def test_a_url_is_refused_with_the_host_and_port_to_give(text: str, hint: str) -> None:
    with pytest.raises(UsageError, match="--http takes HOST:PORT, not the URL") as caught:
        parse_bind(text)
    assert hint in (caught.value.hint or "")


def test_a_url_exits_2_in_one_line() -> None:
    result = CliRunner().invoke(app, ["mcp", "--http", "http://127.0.0.1:8770"])
    assert result.exit_code == 2
    assert result.stderr == (
        "weatherbot: --http takes HOST:PORT, not the URL http://127.0.0.1:8770 "
        "(give HOST:PORT without http://, e.g. --http 127.0.0.1:8770)\n"
    )


@pytest.mark.parametrize(
    ("bind", "reason"),
    [
        (Bind("nosuchhost.invalid", 8771), "no such host"),
        # TEST-NET-1 (RFC 5737): never an address of this machine.
        (Bind("192.0.2.1", 8771), "not an address of this machine"),
    ],
)
def test_a_host_that_is_not_this_machine_says_which_addresses_work(bind: Bind, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        listening_socket(bind)
    assert caught.value.message == f"cannot listen on {bind.host}:{bind.port}: {reason}"
    assert (caught.value.hint or "").startswith(THIS_MACHINE)
    assert "port" not in (caught.value.hint or "")


def test_a_port_in_use_says_pick_another_port() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with pytest.raises(UsageError) as caught:
            listening_socket(Bind("127.0.0.1", port))
    finally:
        taken.close()
    assert caught.value.message == f"cannot listen on 127.0.0.1:{port}: the port is in use"
    assert (caught.value.hint or "").startswith("pick another port")
