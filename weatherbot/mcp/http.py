"""`weatherbot mcp --http`: the server over streamable HTTP, stateless, with the spec's checks.

The MCP spec's security notes ask a local HTTP server to check the Origin header (a web page in
the user's browser must not reach it: DNS rebinding) and to bind to loopback; a server others
can reach needs authorization, here an optional bearer token from WEATHERBOT_MCP_TOKEN.
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import ipaddress
import json
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from weatherbot.errors import UsageError

log = logging.getLogger("weatherbot.mcp")

PATH = "/mcp"
DEFAULT_PORT = 8765
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Bind:
    """Where `--http` listens."""

    host: str
    port: int

    @property
    def loopback(self) -> bool:
        """Only this machine can connect."""
        return is_loopback(self.host)

    def url(self, port: int | None = None) -> str:
        """The endpoint a client connects to."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port if port is None else port}{PATH}"


def is_loopback(host: str) -> bool:
    """A name or address only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_bind(text: str) -> Bind:
    """HOST:PORT, :PORT or PORT (loopback), [IPv6]:PORT; a UsageError saying what is wrong."""
    value = text.strip()
    if "://" in value:
        # A URL where an address was asked for (the client's URL, pasted): say what to give.
        parts = urlsplit(value)
        where = parts.netloc or "127.0.0.1:8765"
        raise UsageError(
            f"--http takes HOST:PORT, not the URL {value}",
            hint=f"give HOST:PORT without {parts.scheme}://, e.g. --http {where}",
        )
    host, port_text = "127.0.0.1", value
    if value.startswith("["):
        end = value.find("]")
        host, port_text = value[1:end], value[end + 1 :].removeprefix(":")
    elif ":" in value:
        host, _, port_text = value.rpartition(":")
        host = host or "127.0.0.1"
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UsageError(
            f"--http needs HOST:PORT, not {text!r}",
            hint=f"e.g. --http 127.0.0.1:{DEFAULT_PORT} (loopback) or --http :{DEFAULT_PORT}",
        )
    return Bind(host, int(port_text))


def loopback_origin(origin: str) -> bool:
    """An Origin header from a page served by this machine (http://localhost:3000...)."""
    try:
        host = urlsplit(origin).hostname
    except ValueError:
        return False
    return host is not None and is_loopback(host)


class Guard:
    """ASGI middleware: refuses foreign Origins and, when a token is set, missing bearers."""

    def __init__(
        self, app: ASGIApp, bind: Bind, token: str | None, origins: tuple[str, ...]
    ) -> None:
        self.app = app
        self.bind = bind
        self._token = token
        self._origins = {o.rstrip("/") for o in origins}

    def _origin_allowed(self, origin: str | None) -> bool:
        # No Origin: not a browser (every MCP client); the spec's worry is a web page.
        if origin is None:
            return True
        if origin.rstrip("/") in self._origins:
            return True
        return self.bind.loopback and loopback_origin(origin)

    def _authorized(self, header: str | None) -> bool:
        if self._token is None:
            return True
        scheme, _, credentials = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            credentials.strip().encode(), self._token.encode()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request's headers, then hand it on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        if not self._origin_allowed(origin):
            log.warning("refused a request from origin %r", origin)
            message = "origin not allowed; add it to WEATHERBOT_MCP_ALLOWED_ORIGINS"
            await _refuse(send, 403, message)
            return
        if not self._authorized(headers.get("authorization")):
            await _refuse(send, 401, "a bearer token is required", {"www-authenticate": "Bearer"})
            return
        if scope.get("method") == "GET":
            # A GET opens a stream for messages the server starts; a stateless server starts
            # none, and the SDK would hold that stream open forever (an idle connection per
            # client at a load balancer, and a shutdown that waits on it). The spec's answer:
            await _refuse(
                send, 405, "this server sends no stream; POST requests", {"allow": "POST"}
            )
            return
        await self.app(scope, receive, send)


async def _refuse(
    send: Send, status: int, message: str, extra: dict[str, str] | None = None
) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# What to do about a bind that failed, by errno; anything else gets the port advice.
THIS_MACHINE = "use 127.0.0.1, or an address of this machine for others to reach"
BIND_ADVICE = {
    errno.EADDRINUSE: (
        "the port is in use",
        "pick another port, e.g. --http 127.0.0.1:0 for any free one",
    ),
    errno.EADDRNOTAVAIL: ("not an address of this machine", THIS_MACHINE),
    errno.EACCES: (
        "permission denied",
        "ports below 1024 need privileges; pick one above, e.g. 8765",
    ),
}


def listening_socket(bind: Bind) -> socket.socket:
    """A socket bound and listening (port 0: any free port), or a UsageError saying why not."""
    try:
        infos = socket.getaddrinfo(bind.host, bind.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UsageError(
            f"cannot listen on {bind.host}:{bind.port}: no such host", hint=THIS_MACHINE
        ) from None
    family, _type, _proto, _name, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reason, hint = BIND_ADVICE.get(
            exc.errno or 0, (exc.strerror or str(exc), "pick another port or address")
        )
        raise UsageError(f"cannot listen on {bind.host}:{bind.port}: {reason}", hint=hint) from None
    sock.listen(128)
    return sock


def _caller_signals_server() -> type[Any]:
    import uvicorn

    class CallerSignals(uvicorn.Server):
        """uvicorn that leaves Ctrl-C and SIGTERM to the command's own handlers.

        uvicorn's own handlers start a graceful shutdown that waits for the requests in
        flight (a slow provider: 20 s and more); the command stops at once instead.
        """

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return CallerSignals


def serve(
    server: Any,
    bind: Bind,
    token: str | None,
    origins: tuple[str, ...],
    announce: Callable[[str], None],
) -> None:
    """Serve `server` (an MCPServer) on `bind` until Ctrl-C or SIGTERM."""
    import uvicorn
    from mcp.server.transport_security import TransportSecuritySettings

    # On loopback the SDK also checks the Host header (DNS rebinding); a public name is not
    # known in advance, so there only the Origin and the token are checked (Guard).
    security = (
        TransportSecuritySettings(
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=[
                "http://127.0.0.1:*",
                "http://localhost:*",
                "http://[::1]:*",
                *origins,
            ],
        )
        if bind.loopback
        else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )
    # Stateless (the 2026-07-28 revision has no server-side session) and plain JSON replies:
    # any instance behind a load balancer can answer any request.
    app = server.streamable_http_app(
        stateless_http=True, json_response=True, transport_security=security, host=bind.host
    )
    sock = listening_socket(bind)
    port = sock.getsockname()[1]
    announce(f"serving {bind.url(port)} (stateless; Ctrl-C stops)")
    if not bind.loopback and token is None:
        announce(
            f"anyone who can reach {bind.host}:{port} can use it; set WEATHERBOT_MCP_TOKEN "
            "to require a bearer token"
        )
    config = uvicorn.Config(Guard(app, bind, token, origins), log_level="warning", lifespan="on")
    _caller_signals_server()(config).run(sockets=[sock])
